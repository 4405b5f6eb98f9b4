// The console works without JavaScript; this only adds a live countdown, confirmations and an
// upload progress bar. Served from /hq/static (the page's Content-Security-Policy allows no inline script).
"use strict";

function countdown(element) {
  const expires = Date.parse(element.dataset.expires);
  const left = element.querySelector(".left");
  function tick() {
    const seconds = Math.max(0, Math.round((expires - Date.now()) / 1000));
    if (seconds === 0) {
      left.textContent = element.dataset.expiredText;
      element.classList.add("expired");
      return;
    }
    const minutes = Math.floor(seconds / 60);
    left.textContent = `(${minutes}:${String(seconds % 60).padStart(2, "0")})`;
    setTimeout(tick, 1000);
  }
  tick();
}

function confirmBeforeSubmit(form) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}

// Uploads the CSV with XMLHttpRequest so the bar shows how much has been sent, then shows the
// server's answer (the preview page) in place of this one.
function uploadWithProgress(form) {
  const bar = form.querySelector("progress");
  form.addEventListener("submit", (event) => {
    if (!window.XMLHttpRequest || !bar) return;
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    bar.hidden = false;
    request.upload.addEventListener("progress", (progress) => {
      if (progress.lengthComputable) bar.value = Math.round((progress.loaded / progress.total) * 100);
    });
    request.addEventListener("load", () => {
      bar.value = 100;
      document.open();
      document.write(request.responseText);
      document.close();
      history.replaceState(null, "", request.responseURL);
    });
    request.send(new FormData(form));
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".countdown[data-expires]").forEach(countdown);
  document.querySelectorAll("form[data-confirm]").forEach(confirmBeforeSubmit);
  document.querySelectorAll("form.upload").forEach(uploadWithProgress);
});

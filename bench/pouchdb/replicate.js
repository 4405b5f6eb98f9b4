// The reference figure beside bench/bench_sync.py's push: PouchDB 9 replicating N sale-like docs
// from a local database to an express-pouchdb peer in another process, on loopback.
//
//   npm ci && node replicate.js --docs 10000 [--adapter leveldb|memory] [--batch-size 100]
//
// Prints one JSON line: {"docs": N, "seconds": S, ...}. The peer runs in a child process (our
// server is a process of its own too), and both sides store on disk with LevelDB by default (our
// terminal keeps its outbox in SQLite and the server commits to PostgreSQL). The docs are filled
// before the clock starts, as the outbox is in the Python benchmark; the clock stops when the
// replication has finished and the peer holds every doc.
"use strict";

const { fork } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const PouchDB = require("pouchdb");
PouchDB.plugin(require("pouchdb-adapter-memory"));

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

const adapter = option("adapter", "leveldb");
const folder = option("folder", "") || fs.mkdtempSync(path.join(os.tmpdir(), "bench-pouchdb-"));

function peer() {
  const express = require("express");
  const Peer = PouchDB.defaults({ adapter, prefix: path.join(folder, "peer-") });
  const app = express();
  app.use("/", require("express-pouchdb")(Peer, { mode: "minimumForPouchDB", logPath: path.join(folder, "log.txt") }));
  const server = app.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }));
}

// A sale as the terminal's outbox carries it (about 1.2 kB, like bench_sync.py's sales of 1–5 lines).
function sale(n) {
  const lines = [];
  for (let i = 0; i < 1 + (n % 5); i++) {
    const price = 98 + ((n * 37 + i * 11) % 2900);
    lines.push({
      line_no: i + 1, sku: `P${String((n + i) % 200).padStart(7, "0")}`, name: `ライオン ヨーグルト 200ml #${n % 200}`,
      quantity: 1, unit_price: price, discount: 0, amount: price, tax_class: i % 2 ? "standard" : "reduced",
      rate: i % 2 ? 10 : 8, price_overridden: false,
    });
  }
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  const id = `sale-${String(n).padStart(8, "0")}`;
  return {
    _id: id, kind: "sale.completed", seq: n + 1, terminal_code: "01", store_code: "S001",
    created_at: new Date(1_764_000_000_000 + n * 1000).toISOString(),
    payload: {
      sale_id: id, receipt_no: `S001-01-${String(n + 1).padStart(6, "0")}`, business_day: "2026-12-03",
      sold_at: new Date(1_764_000_000_000 + n * 1000).toISOString(), clerk_code: "1001", member_no: null,
      eat_in: false, lines, by_rate: [{ rate: 10, taxable: total, tax: Math.floor((total * 10) / 110) }],
      subtotal: total, discount: 0, points_discount: 0, total, payments: [{ kind: "cash", amount: total, reference: null }],
      change: 0, points_used: 0, points_earned: 0, offline_points: false, approvals: [], points_hold_id: null, coupon: null,
    },
  };
}

async function main() {
  const docs = Number(option("docs", "10000"));
  const batchSize = Number(option("batch-size", "100")); // PouchDB's default
  const child = fork(__filename, ["--peer", "--adapter", adapter, "--folder", folder], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const port = await new Promise((resolve, reject) => {
    child.once("message", (message) => resolve(message.port));
    child.once("exit", (code) => reject(new Error(`the peer exited with ${code}`)));
  });
  try {
    const local = new PouchDB(path.join(folder, "local"), { adapter });
    for (let first = 0; first < docs; first += 1000) {
      const chunk = [];
      for (let n = first; n < Math.min(first + 1000, docs); n++) chunk.push(sale(n));
      await local.bulkDocs(chunk);
    }
    const remote = new PouchDB(`http://127.0.0.1:${port}/sales`);
    await remote.info(); // created before the clock starts
    const start = process.hrtime.bigint();
    const result = await PouchDB.replicate(local, remote, { batch_size: batchSize });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const held = (await remote.info()).doc_count;
    if (result.docs_written !== docs || held !== docs) {
      throw new Error(`replicated ${result.docs_written} of ${docs}; the peer holds ${held}`);
    }
    console.log(JSON.stringify({ docs, seconds, adapter, batch_size: batchSize, pouchdb: require("pouchdb/package.json").version }));
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill();
    await exited;
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv.includes("--peer")) {
  peer();
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

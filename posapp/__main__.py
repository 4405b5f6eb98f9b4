"""``python -m posapp``: the store terminal."""

import sys

from posapp.app import main

sys.exit(main())

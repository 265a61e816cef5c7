"""Demo and measurement data, at the top layer (only krs.cli sits above): `seed.py` fills an empty
database with the demo units, accounts and cases (`flask krs seed-demo`); `synthetic.py` makes a
national-scale database for benchmarks (`flask krs seed-synthetic`); `bench_data.py` prepares
what `make bench` needs in it. They drive the features' own services, so they may import any
feature; no feature imports them."""

from __future__ import annotations

from krs.demo.seed import DEMO_LOGINS, DEMO_PASSWORD, seed_demo

__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "seed_demo"]

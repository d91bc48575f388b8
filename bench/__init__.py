"""The benchmark against stock Wagtail: ``bench/run`` drives it, see docs/performance.md."""

#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    # Production unless another module is chosen: DEBUG and a fixed key need asking for
    # (DJANGO_SETTINGS_MODULE=cms.settings.dev, as the README's demo command does).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)

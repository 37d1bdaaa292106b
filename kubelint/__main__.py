import sys

from kubelint.cli import main

sys.exit(main())

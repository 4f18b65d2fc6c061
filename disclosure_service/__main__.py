import sys

from disclosure_service.cli import main

sys.exit(main())

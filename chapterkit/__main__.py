from chapterkit.cli import main

raise SystemExit(main())

"""The instructor's grader: a folder of submitted notebooks in, a grade CSV and a run summary out.

``python -m immunokit.grader SUBMISSIONS/ --out grades.csv`` (see :mod:`.cli`). No submission can raise
its score above what its answers earn, or change anything outside its own scratch folder:

* :mod:`.sandbox` — bubblewrap around every run: an empty in-memory scratch folder, everything else
  read-only or absent, no network, rlimits, the whole process tree ended with the run;
* :mod:`.kernel` — runs inside the sandbox: the notebook's cells, one by one; records the answers;
* :mod:`.case` — runs inside a fresh sandbox: the test cases of a function answer (the notebook's and
  the grader's hidden ones, inputs only), each in its own process;
* :mod:`.submissions` — finding notebooks, reading them, which exercise each is, duplicates;
* :mod:`.folder` — one submission's run, the verdicts (computed here, from the catalogue), a folder
  in parallel;
* :mod:`.report` — rows, spreadsheet-safe CSV, atomic writes, the run summary.
"""

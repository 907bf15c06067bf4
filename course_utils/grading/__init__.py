"""Graded questions: the in-notebook helpers (`answers`), the student edition and autograder builder
(`assign`, the `course-assign` command) and the class grader (`grade`, the `course-grade` command).

The master notebooks in notebooks/ hold each question in otter-grader's notebook format (raw cells
`# BEGIN QUESTION` ... `# END QUESTION`, solutions, visible and hidden tests); they execute top to bottom as
they are, the tests included.
"""

"""The course as a website: `course-site build` executes the notebooks with the shipped weights and builds
static HTML pages from them with Sphinx and myst-nb (see build.py), with every asserted number on one page."""

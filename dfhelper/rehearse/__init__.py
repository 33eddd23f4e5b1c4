"""``dfhelper rehearse``: practise flows (for facilitators and new staff).

`coverage` and `scenarios` are plain Python (no Textual); `app` is the Textual front end.
"""

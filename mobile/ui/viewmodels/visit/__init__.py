"""A visit's view-models: recording it page by page, and amending it once submitted.

recorder  VisitRecorder: one page at a time, autosave, review, submit
pages     which fields each page shows (people: the people and concerns pages' fields)
edits     the buttons on a page: add a person, a concern; tidying irrelevant answers
paths     reading and writing a draft's fields by dotted path
amend     AmendViewModel: change a submitted visit's written parts, with a reason
"""

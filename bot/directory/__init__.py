"""The service directory: where ANAPEC agencies and RESOFEM contact points are (issue #5).

models: the ServicePoint table; services: the points nearest to a woman (by province, region
or coordinates); csv_io: the directory in and out of a spreadsheet, for programme staff.
"""

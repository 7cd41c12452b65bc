"""Credit lists (国家知识产权局知识产权信用管理规定, 2022): who is listed, on which ground, until when.

Every module that grants something — subsidies, priority-examination recommendations, pledge
registration, open licences — asks :func:`zhichan.credit.service.active_listing` and nothing else.
"""

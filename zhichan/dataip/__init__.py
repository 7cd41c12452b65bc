"""Data intellectual-property registration (数据知识产权登记): application, public notice on the
official working-day calendar, objections, decision — every step recorded in the evidence log.
"""

"""IP finance (知识产权金融): pledge registration checked against the corpus (专利权质押登记办法, 2021),
registered pledges fed back into the corpus events, risk-compensation funds (风险补偿) with an
append-only ledger, and whitelists pushed to banks (白名单双向推送)."""

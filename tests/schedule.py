"""The order the suite runs in under pytest-xdist: the long tests first, spread over the workers.

``make test`` runs ``pytest -n <cores + 1> --dist worksteal``. Worksteal hands each worker one contiguous
slice of the collected tests (a third of them each with three workers) and, when a worker runs dry, moves the *last* half of another worker's queue to it. In
collection order the long tests sat anywhere in the slices, so a 30–60 s test collected late could
run alone at the end while the other core idled. ``order`` puts the modules holding a known long
test at the front of the slices, balanced over the workers (longest first, each to the least loaded
worker), and leaves the rest in collection order behind them: what is left to steal at the end is
short. A module moves as a whole, so its module-scoped fixtures are built once; the modules that
run on Spark go to one worker, so one JVM starts and warms up, and so do the modules that use one expensive
session fixture (``SHARED_FIXTURES``: the 20,000-patent index of several segments, ~11 s), so it is built once.

``SLOW`` lists the long tests with the seconds one item of each took in the clean-clone CI run (2
cores; ``--durations``). tests/test_schedule.py checks every entry still names a test. A test
taking more than about 8 s belongs in the list (docs/CONTRIBUTING.md, "Tests").

``sqlite_is_enough`` names the PostgreSQL repeats left out: a test marked ``one_database("why")``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

#: seconds per item (each parametrization) of the known long tests, by ``path::function``
SLOW: dict[str, float] = {
    # this, the damaged-PDF and the random-rows import test run half their repeats since session 12: their
    # CI seconds (35.0, 16.4, 11.9) scaled, not yet measured in a CI run
    "tests/web/test_web_security.py::test_openapi_fuzzing_never_answers_5xx": 23.9,
    "tests/procedures/test_export.py::test_spark_computes_the_same_case_figures": 33.3,
    "tests/test_lint.py::test_mypy_is_clean": 39.7,
    "tests/finance/test_funds.py::test_a_funds_loans_are_read_whatever_their_number": 16.3,
    "tests/procedures/test_todo_beyond_bound.py::test_an_areas_to_do_list_reads_its_cases_whatever_their_number": 13.3,
    "tests/platform/test_platform_orgs.py::test_the_english_names_of_a_nations_holders_are_found_in_one_call": 14.9,
    # session 30: its navigation report in PDF only, 26.9 -> 25.1 CPU-s in-process (loads 20 and 15), scaled
    "tests/web/test_web_languages.py::test_every_page_in_both_languages": 24.3,
    "tests/indicators/test_engines.py::"
    "test_every_corpus_indicator_for_every_region_is_identical_on_duckdb_and_spark": 15.3,
    "tests/exchange/test_dormant.py::test_spark_computes_the_same_dormant_figures": 13.7,
    "tests/finance/test_figures.py::test_spark_computes_the_same_finance_figures": 13.8,
    # session 23: its 155 records pages read through one snapshot reader (the views made once): 40.1 s in the CI run of
    # 6037415, under the 25 slowest (< 10.1 s) in the run of 2026-12-07 03:37, estimated so
    "tests/web/test_web_indicators.py::test_every_indicator_with_its_definition_and_records": 8.0,
    "tests/services/test_services_demo.py::test_demo_data_goes_through_the_rules_and_is_synthetic": 17.9,
    "tests/web/test_web_hardening.py::test_damaged_certificate_pdfs_are_refused_with_a_message": 8.5,
    "tests/protection/test_figures.py::test_spark_computes_the_same_protection_figures": 14.4,
    # not yet from a CI run: measured at load 18-20 (100 s and 40 s with its setup), scaled to a quiet run
    "tests/talent/test_figures.py::test_spark_computes_the_same_talent_figures": 25.0,
    "tests/talent/test_figures.py::test_the_history_and_the_figures_on_a_date_by_region_and_kind": 12.0,
    "tests/credit/test_credit_browser.py::test_listing_publication_repair_agency_and_inspection": 13.4,
    "tests/exchange/test_exchange_browser.py::test_declare_publish_find_list_and_bid": 13.0,
    # and since it walks the report at 390 px too (two more pages, their charts drawn twice): not yet measured
    "tests/web/test_web_navigation.py::test_the_report_page_in_both_languages_in_the_browser": 15.5,
    "tests/exchange/test_figures.py::test_spark_computes_the_same_exchange_figures": 8.5,
    "tests/dataip/test_dataip_browser.py::test_apply_publish_object_decide_verify": 12.3,
    # measured alone at load ~2 (--durations), not yet from a CI run
    "tests/web/test_web_query_errors.py::test_no_bad_value_in_an_address_gives_the_error_page_or_a_500": 16.8,
    "tests/web/test_web_choices.py::test_a_select_shows_its_whole_choice_at_phone_width": 8.2,
    "tests/corpus/test_import_robustness.py::test_random_rows_never_crash_and_never_lose_the_good_row": 6.0,
    "tests/search/test_facets_exact.py::test_index_has_several_segments": 11.5,
    "tests/services/test_services_demo.py::test_spark_computes_the_same_demo_figures": 11.3,
    "tests/web/test_web_serve.py::test_serve_runs_several_processes_and_one_job_runner": 10.8,
    "tests/services/test_services_browser.py::test_service_figures_drill_down_to_the_records": 9.4,
    "tests/protection/test_protection_browser.py::test_complaint_to_published_decision": 9.2,
    "tests/finance/test_finance_browser.py::test_apply_confirm_register_certificate_cancel": 8.6,
    # with the report-files test merged in (one navigation report instead of two): 13.5 s, not yet measured
    "tests/web/test_web_region_names.py::"
    "test_english_pages_and_report_files_name_regions_in_english_and_chinese_in_chinese": 15.7,
    "tests/web/test_web_browser.py::test_password_change_and_an_admin_form_refused_beside_its_field": 8.4,
    # session 15: the CI run of 2026-12-06 00:40 where its slowest calls were quoted (above: the fuzzing,
    # mypy, page-language, indicator, stdnum, dormant, region-names and navigation-report figures too) …
    "tests/web/test_web_review.py::test_pages_fit_a_phone_and_form_fields_hold_a_company_name": 13.3,
    # measured in a full run at load ~10 (20.4 s beside the test above's 15.6), scaled to its CI figure; then each page
    # waited for its parts rather than networkidle's half second (24.7 s → 13.0 s at load ~11), scaled so too
    # and since the pages are walked again without JavaScript: 22.8 s at load ~12-16 against 13.0 before, scaled so
    "tests/web/test_web_review.py::test_public_lists_fit_a_phone_without_a_column_cut_off": 16.1,
    # the signed-in pages at 390 px: 19.5 s at load ~11 beside the test above's 13.0, scaled as it is
    "tests/web/test_web_review.py::test_the_lists_a_signed_in_phone_user_opens_fit_a_phone": 13.8,
    "tests/corpus/test_columnar_import.py::test_the_first_import_out_of_number_order_merges_the_sorted_parts": 13.0,
    # … and the rest not yet from a CI run: one full run at load 6-12 (32 min 54 s against the CI run's 14 min 08 s),
    # its seconds halved; long enough to leave a core idle at the end of a run
    "tests/protection/test_demo_cases.py::test_demo_cases_are_synthetic_and_follow_the_rules": 18.0,
    "tests/protection/test_demo_cases.py::test_demo_cases_stop_at_the_present_and_leave_the_recent_ones_open": 8.0,
    "tests/finance/test_finance_browser.py::test_finance_figures_on_the_region_indicators_page": 16.0,
    "tests/exchange/test_demo.py::test_demo_data_goes_through_the_rules_and_is_synthetic": 15.8,
    # session 16, not yet from a CI run: a whole 2,000-patent demo, 126 s at load 11-12 (~35 s of CPU)
    "tests/test_demo.py::test_a_small_demo_holds_every_demo_account_the_readme_promises": 35.0,
    "tests/navigation/test_report_languages.py::test_reports_in_both_languages_from_one_analysis": 12.4,
    "tests/search/test_build_workers.py::"
    "test_a_build_whose_workers_index_their_own_segments_equals_the_in_process_build": 9.7,
    "tests/corpus/test_generator_texts.py::test_the_example_chains_find_patents_in_their_home_region": 9.3,
    "tests/corpus/test_columnar_import.py::test_the_first_import_moves_the_workers_parts_into_the_snapshot": 6.4,
    "tests/evidence/test_bulk.py::test_bulk_load_matches_normal_deposits_row_for_row": 8.0,
    "tests/navigation/test_reports_and_runs.py::test_same_chain_same_snapshot_identical_report": 8.9,
    "tests/talent/test_talent_browser.py::test_history_figures_and_the_investigator_roster": 8.6,
    # session 18, not yet from a CI run: measured in a two-worker run of tests/evidence (an application carried to
    # its generated decision, then looked up; three certificates rendered)
    "tests/evidence/test_lookup.py::test_a_decision_letter_is_found_by_its_bytes_alone": 20.0,
    "tests/evidence/test_certificate.py::test_a_configured_public_address_adds_a_qr_code_for_a_phone": 9.0,
    # measured alone at load ~8: a build with two spawned workers, the fit held until a batch is indexed; a
    # building process killed under its two waiting workers
    "tests/search/test_build_workers.py::test_the_projection_fitted_while_the_workers_index_gives_the_same_vectors": 10.0,
    "tests/search/test_build_workers.py::test_workers_exit_when_the_building_process_is_killed": 9.0,
    # session 19: the CI run of 2026-12-06 afternoon (13:08–14:59 for ~2,145 tests), where it was missing from this list
    "tests/services/test_services_browser.py::test_apply_from_the_catalogue_to_the_decision": 17.0,
    # session 21, not yet from a CI run: every browser test missing here, in one two-worker run (``--durations=0``) at
    # load 4-10 on the shared 2 cores; setup and call of one item, a session fixture's first build left out
    "tests/web/test_web_indicators.py::test_the_indicator_list_reads_on_a_phone": 18.1,
    "tests/exchange/test_dormant_browser.py::test_inventory_grading_and_approval": 17.1,
    # session 23: the six roles' walks in one test over one environment (the CI run of 6037415 gave the roles 28, 16,
    # 14 s and three short ones, ~65 s); 16.3 s in the clean-clone run of 2026-12-07 03:37. Session 30: with
    # test_web_empty_lists's lists (12.3 s there) over the same environment, whose Chinese pages the walks read again
    # no more, and one /search link of each field: 23.7 -> 18.2 CPU-s in-process at load ~15-18, the two CI figures
    # (28.6 s) scaled by it
    "tests/web/test_web_links.py::test_every_list_says_why_it_is_empty_and_every_link_a_role_is_offered_answers": 21.9,
    "tests/web/test_web_browser.py::test_cockpit_search_patent_export_logout": 16.9,
    "tests/web/test_web_browser.py::test_national_map_province_click_and_indicator_drilldown": 16.2,
    "tests/web/test_web_plan_references.py::test_the_gauges_fit_a_phone": 13.5,
    "tests/web/test_web_browser.py::test_search_facet_click_sort_then_a_similar_patent": 12.7,
    "tests/talent/test_talent_browser.py::test_the_certificate_numbers_read_whole_on_a_phone": 11.4,
    "tests/talent/test_talent_browser.py::test_enter_find_and_share": 10.4,
    "tests/web/test_web_review.py::test_signed_in_lists_never_stand_a_column_one_character_a_line_on_a_phone": 10.3,
    "tests/finance/test_finance_browser.py::test_whitelist_pushed_to_a_bank_and_its_feedback": 9.4,
    "tests/exchange/test_exchange_browser.py::test_the_buyer_named_by_the_seller_opens_the_deal": 9.2,
    "tests/web/test_web_review.py::test_cockpit_charts_fit_a_phone": 8.9,
    "tests/web/test_web_choices.py::test_no_choice_is_cut_at_phone_width_and_the_form_submits": 8.8,
    "tests/protection/test_protection_browser.py::test_agreement_inside_an_adjudication_in_the_browser": 8.7,
    "tests/services/test_services_browser.py::test_deadline_tables_fit_a_phone": 8.7,
    "tests/exchange/test_dormant_browser.py::test_a_need_is_matched_with_the_transfer_pool": 8.6,
    "tests/exchange/test_exchange_browser.py::test_the_winner_finds_the_deal_the_close_opened": 8.4,
    # the page parts' browser tests, measured alone at load ~0.5 (two workers): shorter than 8 s, listed as the two
    # longest of their module, so it starts a worker rather than ending the run (the others there take 2-5 s)
    "tests/web/test_web_parts_browser.py::test_the_jobs_table_says_in_its_place_that_the_session_ended": 7.9,
    "tests/web/test_web_parts_browser.py::test_an_auction_that_went_away_says_so_in_its_live_figures": 6.3,
    # among the 25 slowest in the clean-clone CI run of 2026-12-07 09:31 and not listed before
    "tests/web/test_web_review.py::test_a_tables_column_names_read_whole_on_a_wide_screen": 11.1,
    "tests/web/test_web_navigation.py::test_run_as_a_job_interactive_report_downloads_and_scope": 9.9,
}
#: what an unlisted test is assumed to take
SHORT = 0.5


def function_id(nodeid: str) -> str:
    """``path::function`` of a test item's node id (without the parametrization)."""
    return nodeid.split("[", 1)[0]


def worksteal_slices(count: int, workers: int) -> list[int]:
    """How many of ``count`` tests worksteal first sends to each worker (xdist's
    ``WorkStealingScheduling.check_schedule``: the pending tests divided among the idle workers in turn)."""
    sizes, left = [], count
    for i in range(workers):
        sizes.append(left // (workers - i))
        left -= sizes[-1]
    return sizes


def order(nodeids: Sequence[str], together: Mapping[str, str], workers: int) -> list[int]:
    """The run order (indices into ``nodeids``) for ``workers`` worksteal workers; ``together`` names, by
    node id, the items whose modules go to one worker with every other module holding an item of the same
    name (those that run on Spark: one JVM; those that use an expensive session fixture: built once)."""
    modules: dict[str, list[int]] = {}
    for i, nodeid in enumerate(nodeids):
        modules.setdefault(nodeid.split("::", 1)[0], []).append(i)
    # a group is a module with a long test, or every module sharing a name in ``together``
    groups: dict[str, list[int]] = {}
    light: list[int] = []
    for module, items in modules.items():
        shared = next((together[nodeids[i]] for i in items if nodeids[i] in together), None)
        if shared is not None:
            groups.setdefault(f"together: {shared}", []).extend(items)
        elif any(function_id(nodeids[i]) in SLOW for i in items):
            groups[module] = items
        else:
            light.extend(items)

    def weight(items: list[int]) -> float:
        return sum(SLOW.get(function_id(nodeids[i]), SHORT) for i in items)

    bins: list[list[int]] = [[] for _ in range(max(workers, 1))]
    loads = [0.0] * len(bins)
    for items in sorted(groups.values(), key=weight, reverse=True):
        least = loads.index(min(loads))
        bins[least].extend(items)
        loads[least] += weight(items)
    # behind each worker's long tests, the rest in collection order up to the size of its slice
    ordered: list[int] = []
    for heavy, size in zip(bins, worksteal_slices(len(nodeids), len(bins)), strict=True):
        fill = max(size - len(heavy), 0)
        ordered += heavy + light[:fill]
        light = light[fill:]
    return ordered + light


def tell_worker(node: Any) -> None:
    """(``pytest_configure_node``, on the xdist controller) Pass the run's ``--dist`` mode to a worker:
    xdist resets a worker's own ``dist`` option to "no", so the worker cannot read it there."""
    node.workerinput["zhichan_dist"] = node.config.getoption("dist")


def worker_count(config: Any) -> int:
    """How many worksteal workers share the run (1 outside xdist and under another ``--dist`` mode)."""
    workerinput = getattr(config, "workerinput", {})
    if workerinput.get("zhichan_dist") != "worksteal":
        return 1
    return int(workerinput["workercount"])


#: session fixtures that cost seconds to build: their modules run on one worker, so it builds them while the others
#: run other tests (``segmented``'s index is built once per run, under a lock: a second worker would wait for it)
SHARED_FIXTURES = ("segmented",)


def together(item: Any) -> str | None:
    """The name of the group ``item``'s module runs in (see :func:`order`), or None."""
    if item.get_closest_marker("spark"):
        return "spark"
    return next((f"fixture {name}" for name in SHARED_FIXTURES if name in getattr(item, "fixturenames", ())), None)


def reorder(config: Any, items: list[Any]) -> None:
    """(``pytest_collection_modifyitems``) Put ``items`` in the run order of :func:`order`."""
    groups = {item.nodeid: name for item in items if (name := together(item)) is not None}
    items[:] = [items[i] for i in order([item.nodeid for item in items], groups, worker_count(config))]


#: the fixtures parametrized over the two databases (tests/conftest.py)
DATABASES = ("db_url", "module_engine")


def sqlite_is_enough(item: Any) -> bool:
    """(``pytest_collection_modifyitems``) Whether ``item`` is the PostgreSQL repeat of a test marked
    ``one_database("why")``: a test whose SQL and locking are the same on both databases, or run on both
    in the module the reason names (page rendering, forms, browser flows). Such a test runs on SQLite
    only. A test marked ``postgres`` by itself (a PostgreSQL-only test) is not a repeat and still runs."""
    marker = item.get_closest_marker("one_database")
    callspec = getattr(item, "callspec", None)
    # the database parameter: a test's own (``db_url``) or its module's (``module_engine``, tests/conftest.py)
    if marker is None or callspec is None or "postgresql" not in (callspec.params.get(name) for name in DATABASES):
        return False
    if not (marker.args and isinstance(marker.args[0], str) and marker.args[0].strip()):
        raise ValueError(f"{item.nodeid}: one_database needs the reason SQLite is enough there")
    return True

"""A choice among a few long labels at phone width (session 17): a closed select showed one line of its option, as wide
as the form, and at 390 px the priority-examination ground (无效宣告涉及侵权纠纷、行政裁决、开放许可调解或仲裁), the
credit list's grounds and the open-licence commitment were cut — the filer could not read what they had chosen. Such a
choice is now a radio group (``_form.html`` ``choice``, one macro for every domain's form): a fieldset whose legend is
the field's label, each option a label that wraps; the same name and values, so the server reads the form as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import sign_in
from zhichan.web.choices import LONG_LABEL_EM, MAX_RADIOS, as_radios, label_em
from zhichan.web.testing import WebEnv, csrf_from, login_as

PRIORITY = "/procedures/services.priority_exam/new"
LISTING = "/procedures/credit.listing/new"
OPEN_LICENCE = "/procedures/exchange.open_licence/new"
LONG_GROUND = "无效宣告涉及侵权纠纷、行政裁决、开放许可调解或仲裁"


def test_a_few_long_labels_are_radio_buttons() -> None:
    assert label_em("是") == 1 and label_em("Yes") == pytest.approx(1.65)
    assert not as_radios([("是", "是"), ("否", "否")])  # short: a select
    assert as_radios([("a", LONG_GROUND), ("b", "省市重点发展产业")])
    assert as_radios([("a", "Invalidation involving an infringement dispute or adjudication"), ("b", "Other")])
    assert not as_radios([(str(i), LONG_GROUND) for i in range(MAX_RADIOS + 1)])  # many: a select
    assert not as_radios([])
    assert label_em("专" * int(LONG_LABEL_EM)) == LONG_LABEL_EM and not as_radios([("x", "专" * int(LONG_LABEL_EM))])


@pytest.mark.one_database("renders forms; the procedures' SQL runs on both databases in tests/procedures")
def test_the_ground_is_a_radio_group_with_its_message_beside_it(env: WebEnv) -> None:
    """The server's page: the ground a fieldset of radio buttons named as the select was, nothing checked until the
    filer chooses; refused without one, the message (Chinese first) beside the group, which says it is invalid."""
    client = env.client()
    login_as(client, env.engine, "ent_user")
    for lang in ("en", "zh"):  # the refusal below on the Chinese page
        form = client.get(f"{PRIORITY}?lang={lang}").text
        group = form.split('<fieldset class="choices" id="start-ground"', 1)[1].split("</fieldset>", 1)[0]
        assert group.count('type="radio"') == 5 and group.count('name="ground"') == 5 and "checked" not in group
        assert "<legend>" in group and '<select id="start-ground"' not in form
        assert '<select id="start-subject"' in form  # short labels stay a select
    refused = client.post(PRIORITY, data={"csrf_token": csrf_from(form), "subject": "发明专利申请"})
    assert refused.status_code == 422
    group = refused.text.split('id="start-ground"', 1)[1].split("</fieldset>", 1)[0]
    assert 'aria-describedby="start-ground-error"' in refused.text and 'aria-invalid="true"' in group
    error = refused.text.split('id="start-ground-error">', 1)[1].split("</span>", 1)[0]
    assert error.startswith("请填写“"), error  # on a Chinese page, in Chinese
    kept = client.post(PRIORITY, data={"csrf_token": csrf_from(form), "ground": LONG_GROUND}).text
    assert f'value="{LONG_GROUND}" checked' in kept  # the choice is kept when the form comes back


#: every radio label within the screen and not cut; every select wide enough for its longest option (measured with
#: the select's own font, less its padding and arrow)
MEASURE = """() => {
  const cut = [];
  for (const l of document.querySelectorAll('fieldset.choices label.choice')) {
    const r = l.getBoundingClientRect(), s = l.querySelector('span');
    if (r.left < 0 || r.right > window.innerWidth || s.scrollWidth > s.clientWidth + 1) cut.push(['radio', l.textContent.trim(), Math.round(r.right)]);
  }
  const ctx = document.createElement('canvas').getContext('2d');
  for (const sel of document.querySelectorAll('form select')) {
    if (!sel.getClientRects().length) continue;
    const cs = getComputedStyle(sel);
    ctx.font = cs.font;
    const room = sel.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20;
    for (const o of sel.options) {
      const w = ctx.measureText(o.text).width;
      if (w > room) cut.push(['select', sel.id, o.text, Math.round(w), Math.round(room)]);
    }
  }
  return cut;
}"""


@pytest.mark.browser
def test_no_choice_is_cut_at_phone_width_and_the_form_submits(page, env: WebEnv,  # type: ignore[no-untyped-def]
                                                              artifacts_dir: Path) -> None:
    """At 390 px, in Chinese and English, no option of a declared form (nor the complaint form's office) is cut: a
    radio label wraps within the screen, a select is wider than its longest option. The credit list's ground is chosen
    with the keyboard (Tab into the group, arrows between its buttons) and the proposal is filed: the case shows the
    ground chosen."""
    page.set_viewport_size({"width": 390, "height": 844})
    for lang in ("zh", "en"):  # the public complaint form: the handling office among the offices, by name
        page.goto(f"/protection/complaints/new?lang={lang}")
        assert page.evaluate(MEASURE) == [], ("complaint", lang)
        page.screenshot(path=str(artifacts_dir / f"choices-complaint-{lang}-390.png"), full_page=True)
    sign_in(page, "ent_user", then=PRIORITY)
    for path in (PRIORITY, OPEN_LICENCE):
        for lang in ("zh", "en"):
            page.goto(f"{path}?lang={lang}")
            assert page.locator("fieldset.choices").count() >= 1, (path, lang)
            assert page.evaluate(MEASURE) == [], (path, lang)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, (path, lang)
            name = path.split("/")[2].replace(".", "-")
            page.screenshot(path=str(artifacts_dir / f"choices-{name}-{lang}-390.png"), full_page=True)
    page.context.clear_cookies()

    sign_in(page, "wuhou_officer", then=LISTING)
    for lang in ("en", "zh"):
        page.goto(f"{LISTING}?lang={lang}")
        assert page.evaluate(MEASURE) == [], lang
        page.screenshot(path=str(artifacts_dir / f"choices-credit-listing-{lang}-390.png"), full_page=True)
    page.fill("#start-subject", "成都某某专利代理有限公司")
    page.fill("#start-credit_code", "91510100MA61R5XA24")
    page.focus("#start-credit_code")
    # into the group with Tab (its first button), then the arrows choose among its buttons
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "ground"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    chosen = page.evaluate("document.activeElement.value")
    assert chosen == "违法从事专利、商标代理业务" and page.is_checked(f'#start-ground input[value="{chosen}"]')
    page.fill("#start-facts", "无资质从事专利代理业务")
    page.click("#start-submit")
    page.wait_for_url("**/cases/*")
    assert chosen in page.inner_text("body")


#: every select on the page shown with its longest option chosen: within the screen, and as tall as the lines that
#: option needs in the room the select leaves it (its padding and arrow aside) — one line where it fits, else the
#: select wraps it (app.css: at phone width a select takes its row and, where the browser can, wraps its choice)
WHOLE_CHOICE = """() => {
  const cut = [];
  const ctx = document.createElement('canvas').getContext('2d');
  for (const sel of document.querySelectorAll('select')) {
    // a select in a table's cell (the search form's rows) is as wide as its longest option, in its stacked row
    if (!sel.getClientRects().length || !sel.options.length || sel.closest('td')) continue;
    const cs = getComputedStyle(sel);
    ctx.font = cs.font;
    let longest = 0;
    for (let i = 1; i < sel.options.length; i++)
      if (ctx.measureText(sel.options[i].text).width > ctx.measureText(sel.options[longest].text).width) longest = i;
    sel.selectedIndex = longest;
    const text = sel.options[longest].text, width = ctx.measureText(text).width;
    const room = sel.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20;
    const lines = Math.max(1, Math.ceil((width - 4) / room)), r = sel.getBoundingClientRect();
    const tall = sel.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
    // and no taller than those lines (the arrow beside the text, not on a line of its own under it)
    const most = Math.ceil(width / (room - 12)) + 0.5;
    if (r.left < 0 || r.right > window.innerWidth || tall < lines * parseFloat(cs.fontSize) * 1.2
        || tall > most * parseFloat(cs.fontSize) * 1.6)
      cut.push([sel.id || sel.name, text, Math.round(width), Math.round(room), Math.round(tall)]);
  }
  return cut;
}"""

#: the pages whose selects were cut at 390 px in English (the case list's procedure, the organizations' parent and a
#: user's organization, a job's kind) and their siblings: every page with a select, as a user who sees it (the deposit
#: form's category is a choice of the choice macro since it has no default: radio buttons in English, its labels long)
SELECT_PAGES = {
    "wuhou_officer": ["/protection/cases", "/protection/investigators", "/protection/overseas", "/talent",
                      "/talent/panels", "/services/library"],
    "root": ["/admin/orgs", "/admin/users", "/jobs", "/search/form", "/exchange/open-licences"],
}


@pytest.mark.browser
def test_a_select_shows_its_whole_choice_at_phone_width(page, env: WebEnv,  # type: ignore[no-untyped-def]
                                                       artifacts_dir: Path) -> None:
    """At 390 px in English a select's longest option, chosen, is shown whole: the case list's procedure filter
    (Administrative adjudication of a patent infringement dispute), an organization's parent (China National
    Intellectual Property Administration (CNIPA)) and a job's kind had been cut at the select's edge."""
    page.set_viewport_size({"width": 390, "height": 844})
    for user, paths in SELECT_PAGES.items():
        page.context.clear_cookies()
        sign_in(page, user, then=paths[0])
        for path in paths:
            page.goto(f"{path}?lang=en")
            assert page.locator("select").count(), path
            assert page.evaluate(WHOLE_CHOICE) == [], path
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
            page.screenshot(path=str(artifacts_dir / f"select-{path.strip('/').replace('/', '-')}-en-390.png"),
                            full_page=True)

"""The UI's shell in a real browser: it loads, every route renders without a JavaScript error, deep links survive a
reload, the theme toggle sticks, the login page guards the app when auth is on, and the first load is quick."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

SIDEBAR = [
    ("Dashboard", "/ui/dashboard"),
    ("Flows", "/ui/flows"),
    ("Executions", "/ui/executions"),
    ("Logs", "/ui/logs"),
    ("Namespaces", "/ui/namespaces"),
    ("Triggers", "/ui/admin/triggers"),
    ("Plugins", "/ui/plugins"),
]

# Every route of the app (Kestra's), with the screenshot name; `{execution}` is an execution of company.team/hello.
ROUTES = [
    ("/ui/dashboard", "dashboard"),
    ("/ui/flows", "flows"),
    ("/ui/flows/new", "flow-new"),
    ("/ui/flows/edit/company.team/hello", "flow-edit"),
    ("/ui/flows/edit/company.team/fan-out/topology", "flow-topology"),
    ("/ui/executions", "executions"),
    ("/ui/executions/company.team/hello", "executions-of-flow"),
    ("/ui/executions/company.team/hello/{execution}", "execution"),
    ("/ui/executions/company.team/hello/{execution}/logs", "execution-logs"),
    ("/ui/logs", "logs"),
    ("/ui/namespaces", "namespaces"),
    ("/ui/namespaces/company.team", "namespace"),
    ("/ui/admin/triggers", "triggers"),
    ("/ui/plugins", "plugins"),
    ("/ui/plugins/io.kestra.plugin.core.log.Log", "plugin"),
]

NOT_FOUND = "Nothing here: this page does not exist."


def sidebar(page: Page):
    return page.get_by_role("navigation", name="Main")


def wait_rendered(page: Page) -> None:
    """The shell is up and the route's page has replaced the lazy-loading placeholder."""
    expect(sidebar(page)).to_be_visible()
    expect(page.locator("main")).not_to_be_empty()
    expect(page.locator("main > .loading")).to_have_count(0)


@pytest.fixture(scope="module")
def hello_execution(api) -> str:
    created = api.post("/executions/company.team/hello", params={"wait": "true"})
    assert created.status_code == 200, created.text
    return created.json()["id"]


def test_ui_loads_with_its_title_and_the_sidebar(page: Page, shot):
    page.goto("/ui/")
    expect(page).to_have_title("Choreo")
    expect(page).to_have_url(re.compile(r"/ui/dashboard$"))  # / is the dashboard, as in Kestra
    links = sidebar(page).get_by_role("link")
    expect(links).to_have_text([label for label, _ in SIDEBAR])
    for label, href in SIDEBAR:
        expect(sidebar(page).get_by_role("link", name=label, exact=True)).to_have_attribute("href", href)
    shot(page, "shell")


def test_sidebar_links_navigate_and_mark_the_current_page(page: Page, js_errors):
    page.goto("/ui/")
    for label, href in SIDEBAR:
        link = sidebar(page).get_by_role("link", name=label, exact=True)
        link.click()
        expect(page).to_have_url(re.compile(re.escape(href) + "$"))
        expect(link).to_have_class(re.compile(r"\bactive\b"))
        wait_rendered(page)
        js_errors.check()


@pytest.mark.parametrize(("path", "name"), ROUTES, ids=[name for _, name in ROUTES])
def test_each_route_renders_without_a_javascript_error(page: Page, js_errors, shot, hello_execution, path, name):
    url = path.format(execution=hello_execution)
    page.goto(url)
    wait_rendered(page)
    # A page may open its default tab (`/ui/namespaces/company.team` → `…/overview`).
    expect(page).to_have_url(re.compile(re.escape(url) + "(/[a-z-]+)?$"))
    expect(page.locator("main")).not_to_contain_text(NOT_FOUND)
    shot(page, name)
    js_errors.check()


def test_an_unknown_route_says_so_inside_the_shell(page: Page):
    page.goto("/ui/no/such/page")
    expect(sidebar(page)).to_be_visible()
    expect(page.locator("main")).to_contain_text(NOT_FOUND)


def test_a_deep_link_survives_a_reload(page: Page):
    page.goto("/ui/flows/edit/company.team/hello")
    wait_rendered(page)
    page.reload()
    wait_rendered(page)
    expect(page).to_have_url(re.compile(r"/ui/flows/edit/company\.team/hello$"))
    expect(sidebar(page).get_by_role("link", name="Flows", exact=True)).to_have_class(re.compile(r"\bactive\b"))


def test_the_theme_toggle_switches_and_persists_across_a_reload(new_page, shot):
    page = new_page(color_scheme="light")
    html = page.locator("html")
    page.goto("/ui/flows")
    expect(html).to_have_attribute("data-theme", "light")  # follows the system's preference at first
    page.get_by_role("button", name="Toggle theme").click()
    expect(html).to_have_attribute("data-theme", "dark")
    shot(page, "flows-dark")
    page.reload()
    expect(html).to_have_attribute("data-theme", "dark")  # the choice outlives the page
    page.get_by_role("button", name="Toggle theme").click()
    expect(html).to_have_attribute("data-theme", "light")
    page.reload()
    expect(html).to_have_attribute("data-theme", "light")


def test_the_system_dark_preference_is_followed_until_the_user_chooses(new_page):
    page = new_page(color_scheme="dark")
    page.goto("/ui/flows")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")


def login_form(page: Page):
    return page.locator("form").filter(has=page.get_by_label("Password"))


def test_with_auth_on_the_login_page_guards_the_app(auth_page: Page, shot):
    auth_page.goto("/ui/")
    expect(login_form(auth_page)).to_be_visible()
    expect(sidebar(auth_page)).to_have_count(0)  # nothing of the app before credentials
    shot(auth_page, "login")

    auth_page.get_by_label("Username").fill("admin@example.com")
    auth_page.get_by_label("Password").fill("not the password")
    auth_page.get_by_role("button", name="Log in").click()
    expect(auth_page.get_by_role("alert")).to_have_text("Wrong username or password")
    expect(sidebar(auth_page)).to_have_count(0)
    shot(auth_page, "login-wrong-password")

    auth_page.get_by_label("Password").fill("e2e pa:ss")
    auth_page.get_by_role("button", name="Log in").click()
    expect(sidebar(auth_page)).to_be_visible()
    expect(login_form(auth_page)).to_have_count(0)
    expect(auth_page).to_have_url(re.compile(r"/ui/dashboard$"))
    # The session's credentials are sent from now on: a reload stays in the app.
    auth_page.reload()
    wait_rendered(auth_page)
    expect(login_form(auth_page)).to_have_count(0)


# Records when the sidebar first appears, from the page's own clock (no polling delay from the test).
SIDEBAR_PROBE = """
new MutationObserver((_, observer) => {
  if (document.querySelector('nav[aria-label="Main"]')) {
    window.__sidebarAt = performance.now();
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true });
"""


def test_first_load_timings(page: Page, capsys):
    # `page` is a new browser context: an empty cache, as on a first visit.
    page.add_init_script(SIDEBAR_PROBE)
    page.goto("/ui/")
    expect(sidebar(page)).to_be_visible()
    page.wait_for_function("window.__sidebarAt !== undefined")
    figures = page.evaluate(
        """() => {
          const nav = performance.getEntriesByType('navigation')[0];
          const resources = performance.getEntriesByType('resource');
          return {
            domContentLoaded: nav.domContentLoadedEventEnd,
            sidebar: window.__sidebarAt,
            requests: resources.length + 1,
            bytes: resources.reduce((sum, r) => sum + r.transferSize, nav.transferSize),
          };
        }"""
    )
    with capsys.disabled():
        print(
            f"\nfirst load of /ui/: DOMContentLoaded {figures['domContentLoaded']:.0f} ms, "
            f"sidebar visible {figures['sidebar']:.0f} ms, {figures['requests']} requests, "
            f"{figures['bytes'] / 1024:.0f} KiB transferred"
        )
    # A sanity bound only: timings are reported, not asserted (this machine may be busy).
    assert 0 < figures["domContentLoaded"] <= figures["sidebar"] < 10_000

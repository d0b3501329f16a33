"""Drive a page with the keyboard alone, as a person who cannot use a mouse would."""

from __future__ import annotations

ACTIVE = "() => { const e = document.activeElement; return [e.tagName, e.name || '', " \
         "e.value || '', e.type || '', e.textContent.trim()]; }"


def active(page) -> list[str]:
    return page.evaluate(ACTIVE)


def tab_until(page, matches, limit: int = 80) -> list[str]:
    """Press Tab until the focused element satisfies `matches`; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        el = active(page)
        if matches(el):
            return el
    raise AssertionError("never reached the wanted element with Tab")


def choose(page, name: str, value: str) -> None:
    """Select an answer: arrow keys inside a radio group, Space on a checkbox."""
    el = tab_until(page, lambda e: e[1] == name and (e[3] == "radio" or e[2] == value))
    if el[3] == "radio":
        for _ in range(30):
            if active(page)[2] == value:
                break
            page.keyboard.press("ArrowDown")
        assert active(page)[2] == value
        page.keyboard.press("Space")
    else:
        page.keyboard.press("Space")


def press_button(page, text: str) -> None:
    """Tab to a link or button by its text and press Enter, waiting for the next page."""
    tab_until(page, lambda e: e[0] in ("BUTTON", "A") and e[4].startswith(text))
    with page.expect_navigation():
        page.keyboard.press("Enter")

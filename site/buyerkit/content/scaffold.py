"""`buyerkit new DIR`: a minimal, valid, vendor-neutral content folder to start from.

The files in `starter/` teach the format in their comments and mark with TODO what the author
replaces; the guides are written here, one per role the author names, from what that role
usually asks (a known role) or a plain outline (any other). What is written passes
`buyerkit check --strict` as it stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import click

from buyerkit.content.numbers import LANGUAGES
from buyerkit.content.translations import TRANSLATION
from buyerkit.errors import BuyerkitError, display_path

STARTER = Path(__file__).parent / "starter"
ROLE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
DEFAULT_ROLES = ("cfo", "security", "it")
SOURCE_LANGUAGE = "en"  # the language the starter is written in


@dataclass(frozen=True)
class Role:
    """What a stakeholder in the buying group usually wants answered."""

    name: str
    title: str
    summary: str
    questions: tuple[str, ...]
    tag: str | None = None
    task: tuple[str, str] = ("Agree that the proposal answers our questions", "other")


KNOWN = {
    "cfo": Role("CFO", "What your CFO will ask before approving the spend",
                "The cost, the return on your own numbers, and what happens if it does not "
                "work out.",
                ("What does it cost in the first year, all in?",
                 "What does it return, on our own numbers?",
                 "How long until it pays for itself?",
                 "What are the contract terms if it does not work out?"), "finance",
                ("Approve the budget for the first year", "budget_approval")),
    "security": Role("Security", "What your security team will ask, answered",
                     "Where the data lives, who can see it, and how to get the SOC 2 report.",
                     ("Which data do you process, and where is it stored?",
                      "Do you have a SOC 2 Type II report, and how do we get it?",
                      "How do people sign in, and can we use our single sign-on?",
                      "What happens to our data when we leave?"), "security",
                     ("Review the SOC 2 report and the security answers", "security_review")),
    "ciso": Role("CISO", "What your CISO will ask, answered",
                 "Data, access, certifications and incident response, in one page to forward.",
                 ("Which data do you process, and where is it stored?",
                  "Which certifications do you hold, and how do we see the reports?",
                  "How are incidents reported to us, and how fast?"), "security",
                 ("Review the SOC 2 report and the security answers", "security_review")),
    "it": Role("IT", "What your IT team needs to know to connect it",
               "What it connects to, what access it needs, and the effort on your side.",
               ("What does it connect to, and with which permissions?",
                "How much of our team's time does the set-up take?",
                "Who maintains the connections when something changes?"), "technical",
               ("Check the connections and the access they need", "technical_check")),
    "legal": Role("Legal", "What your legal team will look for in the contract",
                  "The data processing agreement, liability and termination.",
                  ("Is there a data processing agreement?",
                   "What is the liability cap?",
                   "How does renewal work, and how do we terminate?"), "legal",
                  ("Review the contract and the data processing agreement", "legal_review")),
    "procurement": Role("Procurement", "What procurement needs to add us as a supplier",
                        "Supplier details, payment terms and the documents they ask for.",
                        ("Which documents do you need from us as a new supplier?",
                         "What are the payment terms?",
                         "Can we pay by invoice, in our currency?"), "procurement",
                        ("Add the supplier and agree the payment terms", "other")),
    "champion": Role("Champion", "How to make the case inside your company",
                     "What to share with whom, in what order, so the decision does not stall.",
                     ("Who needs to agree, and what will each of them ask?",
                      "What can I share today without a meeting?"), "champion"),
    "executive": Role("Executive sponsor", "What your executive sponsor will want to know",
                      "The outcome, the cost and the risk, on one page.",
                      ("What outcome do we get, and by when?",
                       "What does it cost, and what does it ask of the team?",
                       "What is the risk if it does not work?"), "executive",
                      ("Sponsor the decision", "other")),
}

GUIDE = """---
# A guide for one role in the buying group: the buyer forwards it. The questions at the top
# are what this role asks; the body answers them plainly. TODO: answer in your own words.
role: {role}
name: {name}
{tag}title: {title}
summary: >-
  {summary}
order: {order}
questions:
{questions}
before_decision:
  - id: {task_id}
    text: {task}
    kind: {kind}
---

## The short answer

TODO: two or three sentences that answer the questions above for a busy {name}.

## In detail

TODO: one section per question, with the facts and where they come from. Link to documents
the {name} can ask for (a report, a policy) rather than promising them in a meeting.
"""


# The same roles in German, for `--languages en,de`: name, title, summary, questions, task.
KNOWN_DE = {
    "cfo": ("CFO", "Was Ihr CFO fragen wird, bevor die Ausgabe freigegeben wird",
            "Die Kosten, der Nutzen auf Ihren eigenen Zahlen und was passiert, wenn es nicht "
            "funktioniert.",
            ("Was kostet es im ersten Jahr, alles zusammen?",
             "Was bringt es, gerechnet auf unseren eigenen Zahlen?",
             "Wie lange dauert es, bis es sich bezahlt macht?",
             "Welche Vertragsbedingungen gelten, wenn es nicht funktioniert?"),
            "Das Budget für das erste Jahr freigeben"),
    "security": ("IT-Sicherheit", "Was Ihr Sicherheitsteam fragen wird, beantwortet",
                 "Wo die Daten liegen, wer sie sehen kann und wie Sie den SOC-2-Bericht "
                 "bekommen.",
                 ("Welche Daten verarbeiten Sie, und wo werden sie gespeichert?",
                  "Haben Sie einen SOC-2-Type-II-Bericht, und wie bekommen wir ihn?",
                  "Wie melden sich Nutzer an, und können wir unser Single Sign-on verwenden?",
                  "Was geschieht mit unseren Daten, wenn wir kündigen?"),
                 "Den SOC-2-Bericht und die Sicherheitsantworten prüfen"),
    "ciso": ("CISO", "Was Ihr CISO fragen wird, beantwortet",
             "Daten, Zugriffe, Zertifizierungen und der Umgang mit Vorfällen, auf einer Seite "
             "zum Weiterleiten.",
             ("Welche Daten verarbeiten Sie, und wo werden sie gespeichert?",
              "Welche Zertifizierungen haben Sie, und wie sehen wir die Berichte ein?",
              "Wie werden uns Sicherheitsvorfälle gemeldet, und wie schnell?"),
             "Den SOC-2-Bericht und die Sicherheitsantworten prüfen"),
    "it": ("IT", "Was Ihr IT-Team für die Anbindung wissen muss",
           "Woran es angebunden wird, welche Zugriffe es braucht und was es Ihr Team an Zeit "
           "kostet.",
           ("Woran wird es angebunden, und mit welchen Berechtigungen?",
            "Wie viel Zeit unseres Teams kostet die Einrichtung?",
            "Wer pflegt die Anbindungen, wenn sich etwas ändert?"),
           "Die Anbindungen und die nötigen Zugriffe prüfen"),
    "legal": ("Rechtsabteilung", "Worauf Ihre Rechtsabteilung im Vertrag achten wird",
              "Der Auftragsverarbeitungsvertrag, die Haftung und die Kündigung.",
              ("Gibt es einen Auftragsverarbeitungsvertrag?",
               "Wie hoch ist die Haftungsobergrenze?",
               "Wie verlängert sich der Vertrag, und wie kündigen wir?"),
              "Den Vertrag und den Auftragsverarbeitungsvertrag prüfen"),
    "procurement": ("Einkauf", "Was der Einkauf braucht, um uns als Lieferanten anzulegen",
                    "Lieferantendaten, Zahlungsbedingungen und die Unterlagen, die er anfragt.",
                    ("Welche Unterlagen brauchen Sie von uns als neuem Lieferanten?",
                     "Welche Zahlungsbedingungen gelten?",
                     "Können wir auf Rechnung zahlen, in unserer Währung?"),
                    "Den Lieferanten anlegen und die Zahlungsbedingungen vereinbaren"),
    "champion": ("Champion", "Wie Sie intern für die Entscheidung werben",
                 "Was Sie mit wem in welcher Reihenfolge teilen, damit die Entscheidung nicht "
                 "ins Stocken gerät.",
                 ("Wer muss zustimmen, und was wird jede dieser Personen fragen?",
                  "Was kann ich heute ohne Termin teilen?"),
                 "Bestätigen, dass der Vorschlag unsere Fragen beantwortet"),
    "executive": ("Geschäftsleitung", "Was Ihre Geschäftsleitung wissen will",
                  "Das Ergebnis, die Kosten und das Risiko, auf einer Seite.",
                  ("Welches Ergebnis bekommen wir, und bis wann?",
                   "Was kostet es, und was verlangt es vom Team?",
                   "Welches Risiko gehen wir ein, wenn es nicht funktioniert?"),
                  "Die Entscheidung unterstützen"),
}

GUIDE_DE = """---
# Der Leitfaden auf Deutsch: ein ganzer Leitfaden, weil Prosa sich nicht in Felder teilen
# lässt. role, tag, order und die ids und Arten der Aufgaben müssen wie in {role}.md sein.
# TODO: in Ihren eigenen Worten antworten, wie in {role}.md.
role: {role}
name: {name}
{tag}title: {title}
summary: >-
  {summary}
order: {order}
questions:
{questions}
before_decision:
  - id: {task_id}
    text: {task}
    kind: {kind}
---

## Die kurze Antwort

TODO: zwei oder drei Sätze, die die Fragen oben für jemanden mit wenig Zeit beantworten.

## Im Einzelnen

TODO: ein Abschnitt je Frage, mit den Fakten und woher sie stammen. Verweisen Sie auf
Unterlagen, die man anfragen kann (einen Bericht, eine Richtlinie), statt sie für einen Termin
zu versprechen.
"""


def _role(role: str) -> Role:
    """The known role, or a plain outline named after the slug (`head-of-data` -> Head of data)."""
    if role in KNOWN:
        return KNOWN[role]
    name = role.replace("-", " ").replace("_", " ").capitalize()
    return Role(name, f"What your {name.lower()} will ask, answered",
                f"The questions a {name.lower()} asks before agreeing, answered in one page.",
                (f"What does this change for the {name.lower()}?",
                 "What does it ask of us, and when?"))


def guide(role: str, order: int) -> str:
    """The Markdown guide for `role`, with its front matter."""
    r = _role(role)
    return GUIDE.format(role=role, name=r.name, title=r.title, summary=r.summary, order=order,
                        tag=f"tag: {r.tag}\n" if r.tag else "",
                        questions="\n".join(f"  - {q}" for q in r.questions),
                        task_id=f"{role}-review"[:63], task=r.task[0], kind=r.task[1])


def _role_de(role: str) -> tuple[str, str, str, tuple[str, ...], str]:
    """The role in German: a known role's texts, or a plain outline under the English name."""
    if role in KNOWN_DE:
        return KNOWN_DE[role]
    name = _role(role).name
    return (name, f"Was die Rolle „{name}“ fragen wird, beantwortet",
            f"Die Fragen der Rolle „{name}“, bevor sie zustimmt, auf einer Seite beantwortet.",
            ("Was ändert sich dadurch für uns?", "Was verlangt es von uns, und wann?"),
            "Bestätigen, dass der Vorschlag unsere Fragen beantwortet")


def guide_de(role: str, order: int) -> str:
    """The German translation of `role`'s guide: the same role, tag, order, task id and kind."""
    r = _role(role)
    name, title, summary, questions, task = _role_de(role)
    return GUIDE_DE.format(role=role, name=name, title=title, summary=summary, order=order,
                           tag=f"tag: {r.tag}\n" if r.tag else "",
                           questions="\n".join(f"  - {q}" for q in questions),
                           task_id=f"{role}-review"[:63], task=task, kind=r.task[1])


def parse_languages(text: str) -> tuple[str, ...]:
    """`en,de` as language codes, each once, the starter's own first; an Error line if not."""
    codes = tuple(dict.fromkeys(c.strip() for c in text.split(",") if c.strip()))
    known = ", ".join(LANGUAGES)
    if not codes or any(c not in LANGUAGES for c in codes):
        raise BuyerkitError(f"--languages takes the codes buyerkit has interface text for "
                            f"({known}), comma-separated, not {text!r}")
    if codes[0] != SOURCE_LANGUAGE:
        raise BuyerkitError(f"--languages must start with {SOURCE_LANGUAGE}, the language the "
                            f"starter is written in (e.g. {SOURCE_LANGUAGE},de), not {text!r}")
    return codes


def parse_roles(text: str) -> tuple[str, ...]:
    """`cfo,security,legal` as role slugs, each once, in order; an Error line if any is not."""
    roles = tuple(dict.fromkeys(r.strip() for r in text.split(",") if r.strip()))
    bad = [r for r in roles if not ROLE.match(r)]
    if not roles or bad:
        raise BuyerkitError(f"--roles takes role names like cfo,security,legal "
                            f"(lower-case letters, digits, '-' and '_'), not {text!r}")
    return roles


def _languages_block(languages: tuple[str, ...]) -> str:
    """site.yaml's language settings: the list, the first as the default."""
    return f"languages: [{', '.join(languages)}]\ndefault_language: {languages[0]}"


def new(folder: Path, roles: tuple[str, ...], vendor: str,
        languages: tuple[str, ...] = (SOURCE_LANGUAGE,)) -> list[Path]:
    """Write the starter content into `folder` (new or empty), with a translation of every file
    for each language after the first; return the files written."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BuyerkitError(f"{folder} is not empty: `buyerkit new` writes only into a new or "
                            "empty folder, so nothing of yours is overwritten")
    if not vendor.strip() or any(c in vendor for c in "\n:#\"'"):
        raise BuyerkitError(f"--vendor takes a plain name, not {vendor!r}")
    first = _role(roles[0])
    names = {"__VENDOR__": vendor.strip(), "__FIRST_ROLE__": roles[0],
             "__FIRST_ROLE_NAME_DE__": _role_de(roles[0])[0],
             "__FIRST_ROLE_NAME__": first.name, "__LANGUAGES__": _languages_block(languages)}
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for src in sorted(STARTER.rglob("*.yaml")):
        m = TRANSLATION.match(src.name)
        if m and m.group("lang") not in languages:
            continue
        dest = folder / src.relative_to(STARTER)
        dest.parent.mkdir(parents=True, exist_ok=True)
        text = src.read_text(encoding="utf-8")
        for placeholder, value in names.items():
            text = text.replace(placeholder, value)
        dest.write_text(text, encoding="utf-8")
        written.append(dest)
    (folder / "guides").mkdir()
    for n, role in enumerate(roles):
        dest = folder / "guides" / f"{role}.md"
        dest.write_text(guide(role, (n + 1) * 10), encoding="utf-8")
        written.append(dest)
        if "de" in languages:
            dest = folder / "guides" / f"{role}.de.md"
            dest.write_text(guide_de(role, (n + 1) * 10), encoding="utf-8")
            written.append(dest)
    return written


@click.command("new")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--roles", default=",".join(DEFAULT_ROLES), show_default=True,
              help="The buying group's roles to write a guide for, comma-separated.")
@click.option("--vendor", default="Example Vendor", show_default=True,
              help="Your company's name, as the pages should show it.")
@click.option("--languages", default=SOURCE_LANGUAGE, show_default=True,
              help="The site's languages, comma-separated, the default first (en,de writes a "
                   "German translation beside each file).")
def new_command(folder: Path, roles: str, vendor: str, languages: str) -> None:
    """Start a content folder: site settings, a diagnostic, a calculator, guides per role."""
    role_list = parse_roles(roles)
    language_list = parse_languages(languages)
    written = new(folder, role_list, vendor, language_list)
    click.echo(f"Wrote {len(written)} files to {display_path(folder)}. Next:\n"
               f"  buyerkit serve --content {display_path(folder)}   (edit and watch it change)\n"
               f"  buyerkit check --strict {display_path(folder)}    (before you publish)\n"
               "Replace every TODO; the comments in each file explain its fields.")
    for code in language_list[1:]:
        click.echo(f"Pages in '{code}' are under /{code}/; their texts are in the *.{code}.yaml "
                   f"and *.{code}.md files beside each source.")

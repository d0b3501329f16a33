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

from buyerkit.errors import BuyerkitError, display_path

STARTER = Path(__file__).parent / "starter"
ROLE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
DEFAULT_ROLES = ("cfo", "security", "it")


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


def parse_roles(text: str) -> tuple[str, ...]:
    """`cfo,security,legal` as role slugs, each once, in order; an Error line if any is not."""
    roles = tuple(dict.fromkeys(r.strip() for r in text.split(",") if r.strip()))
    bad = [r for r in roles if not ROLE.match(r)]
    if not roles or bad:
        raise BuyerkitError(f"--roles takes role names like cfo,security,legal "
                            f"(lower-case letters, digits, '-' and '_'), not {text!r}")
    return roles


def new(folder: Path, roles: tuple[str, ...], vendor: str) -> list[Path]:
    """Write the starter content into `folder` (new or empty); return the files written."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BuyerkitError(f"{folder} is not empty: `buyerkit new` writes only into a new or "
                            "empty folder, so nothing of yours is overwritten")
    if not vendor.strip() or any(c in vendor for c in "\n:#\"'"):
        raise BuyerkitError(f"--vendor takes a plain name, not {vendor!r}")
    first = _role(roles[0])
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for src in sorted(STARTER.rglob("*.yaml")):
        dest = folder / src.relative_to(STARTER)
        dest.parent.mkdir(parents=True, exist_ok=True)
        text = src.read_text().replace("__VENDOR__", vendor.strip())
        text = text.replace("__FIRST_ROLE__", roles[0]).replace("__FIRST_ROLE_NAME__", first.name)
        dest.write_text(text)
        written.append(dest)
    (folder / "guides").mkdir()
    for n, role in enumerate(roles):
        dest = folder / "guides" / f"{role}.md"
        dest.write_text(guide(role, (n + 1) * 10))
        written.append(dest)
    return written


@click.command("new")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--roles", default=",".join(DEFAULT_ROLES), show_default=True,
              help="The buying group's roles to write a guide for, comma-separated.")
@click.option("--vendor", default="Example Vendor", show_default=True,
              help="Your company's name, as the pages should show it.")
def new_command(folder: Path, roles: str, vendor: str) -> None:
    """Start a content folder: site settings, a diagnostic, a calculator, guides per role."""
    role_list = parse_roles(roles)
    written = new(folder, role_list, vendor)
    click.echo(f"Wrote {len(written)} files to {display_path(folder)}. Next:\n"
               f"  buyerkit serve --content {display_path(folder)}   (edit and watch it change)\n"
               f"  buyerkit check --strict {display_path(folder)}    (before you publish)\n"
               "Replace every TODO; the comments in each file explain its fields.")

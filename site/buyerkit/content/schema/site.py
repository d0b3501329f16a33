"""content/site.yaml: who the vendor is, how a buyer reaches them, and whom they serve."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from buyerkit.content.numbers import LANGUAGES
from buyerkit.content.schema import Model, ShortText, Slug, StrictBool, Text, Url
from buyerkit.content.schema.brand import Brand, Embed


class Vendor(Model):
    name: ShortText
    tagline: ShortText
    pitch: Text
    base_url: Url = "https://example.com"


class ContactLink(Model):
    label: ShortText
    url: Url
    note: ShortText | None = None


class Phone(Model):
    label: ShortText
    number: ShortText
    hours: ShortText | None = None


class DirectMessage(Model):
    network: ShortText
    handle: ShortText
    url: Url


class Contact(Model):
    schedule: ContactLink | None = None
    phone: Phone | None = None
    chat: ContactLink | None = None
    email: ContactLink | None = None
    dms: tuple[DirectMessage, ...] = ()


class TargetProfile(Model):
    summary: Text
    sizes: tuple[ShortText, ...] = ()
    industries: tuple[ShortText, ...] = ()
    tools: tuple[ShortText, ...] = ()
    # Per diagnostic, per question: the answers inside the profile. `buyerkit check` proves
    # that no other answer reaches "fit", and the pages show them (docs/diagnostics.md).
    answers: dict[Slug, dict[Slug, tuple[Slug, ...]]] = {}


class Problem(Model):
    bucket: Literal["retain_expand", "acquire", "efficiency"]
    title: ShortText
    body: Text
    diagnostic: Slug | None = None
    # Answers the card's link chooses in advance (question id -> option value), so the
    # prospect does not have to say again what they just picked.
    answers: dict[Slug, Slug] = {}
    we_solve: StrictBool = True


class ChannelName(Model):
    """A name the reports give a channel (utm source, optionally medium and campaign)."""

    source: ShortText
    medium: ShortText | None = None
    campaign: ShortText | None = None
    name: ShortText


class Site(Model):
    vendor: Vendor
    contact: Contact
    target_profile: TargetProfile
    problems: tuple[Problem, ...] = ()
    channels: tuple[ChannelName, ...] = ()  # report names for channels (docs/reports.md)
    brand: Brand | None = None  # logo, colours, fonts (docs/theming.md)
    embed: Embed = Embed()  # origins that may frame the pages (docs/embedding.md)
    # The site's languages (docs/languages.md): codes buyerkit has interface text for.
    languages: tuple[Literal[tuple(LANGUAGES)], ...] = ("en",)  # type: ignore[valid-type]
    default_language: Literal[tuple(LANGUAGES)] = "en"  # type: ignore[valid-type]
    # Source files knowingly left untranslated, per language: no warning, the page falls back.
    untranslated: dict[Literal[tuple(LANGUAGES)], tuple[ShortText, ...]] = {}  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _default_is_listed(self) -> Site:
        if self.default_language not in self.languages:
            raise ValueError(f"default_language '{self.default_language}' must be one of "
                             "languages")
        if len(set(self.languages)) != len(self.languages):
            raise ValueError("languages: each code once")
        return self

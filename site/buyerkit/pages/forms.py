"""WTForms for one diagnostic step, built from content; answers are checked by scoring.py."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from werkzeug.datastructures import MultiDict
from wtforms import Form, RadioField, SelectChoice, SelectMultipleField, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from buyerkit.content.branching import asked, pipe
from buyerkit.content.schema.diagnostic import Diagnostic, Question, Step
from buyerkit.content.scoring import Answers, check_answers


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (SelectMultipleField rendered the accessible way)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Form) -> None:
        """Choices are checked by the scoring rules, which word the message once for all."""


class _SameRulesAsApi:
    """Validate a field with the very rules the API uses, so both say the same sentence."""

    def __init__(self, diagnostic: Diagnostic, question: Question,
                 earlier: Answers | None = None) -> None:
        self.diagnostic, self.question, self.earlier = diagnostic, question, earlier or {}

    def __call__(self, form: Form, field: Any) -> None:
        raw = {**self.earlier, self.question.id: field.data}
        _, errors = check_answers(self.diagnostic, raw, only={self.question.id})
        if errors:
            field.errors[:] = []
            raise ValidationError(errors[0].message)


def step_form(d: Diagnostic, step: Step, formdata: MultiDict | None,
              answers: Answers | None = None) -> Form:
    """A form with one field per question of `step` that `answers` lead to (all of them when
    `answers` is None: the static page, which hides them itself), pre-filled from `answers`,
    with earlier answers quoted where the text says `{answer:id}`."""

    class StepForm(Form):
        pass

    shown = None if answers is None else asked(d, answers)
    for q in step.questions:
        if shown is not None and q.id not in shown:
            continue
        choices = [SelectChoice(o.value, o.label) for o in q.options]
        earlier = {k: v for k, v in (answers or {}).items() if k != q.id}
        rules = [_SameRulesAsApi(d, q, earlier)]
        none = gettext("(not answered)")
        text, help_text = (q.text, q.help or "") if answers is None else \
            (pipe(q.text, d, answers, none), pipe(q.help or "", d, answers, none))
        if q.kind == "single":
            field = RadioField(text, choices=choices, validators=rules, validate_choice=False,
                               description=help_text)
        else:
            field = MultiCheckboxField(text, choices=choices, validators=rules,
                                       description=help_text)
        setattr(StepForm, q.id, field)

    data = None
    if formdata is None and answers:
        data = {q.id: (list(answers[q.id]) if q.kind == "multi" else answers[q.id][0])
                for q in step.questions if q.id in answers}
    return StepForm(formdata=formdata, data=data)

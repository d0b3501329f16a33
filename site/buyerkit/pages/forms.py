"""WTForms for one diagnostic step, built from content; answers are checked by scoring.py."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import Form, RadioField, SelectChoice, SelectMultipleField, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

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

    def __init__(self, diagnostic: Diagnostic, question: Question) -> None:
        self.diagnostic, self.question = diagnostic, question

    def __call__(self, form: Form, field: Any) -> None:
        _, errors = check_answers(self.diagnostic, {self.question.id: field.data},
                                  only={self.question.id})
        if errors:
            field.errors[:] = []
            raise ValidationError(errors[0].message)


def step_form(d: Diagnostic, step: Step, formdata: MultiDict | None,
              answers: Answers | None = None) -> Form:
    """A form with one field per question of `step`, pre-filled from `answers`."""

    class StepForm(Form):
        pass

    for q in step.questions:
        choices = [SelectChoice(o.value, o.label) for o in q.options]
        rules = [_SameRulesAsApi(d, q)]
        if q.kind == "single":
            field = RadioField(q.text, choices=choices, validators=rules, validate_choice=False,
                               description=q.help or "")
        else:
            field = MultiCheckboxField(q.text, choices=choices, validators=rules,
                                       description=q.help or "")
        setattr(StepForm, q.id, field)

    data = None
    if formdata is None and answers:
        data = {q.id: (list(answers[q.id]) if q.kind == "multi" else answers[q.id][0])
                for q in step.questions if q.id in answers}
    return StepForm(formdata=formdata, data=data)

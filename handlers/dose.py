"""Today's dose: the preset, the accepted progression steps, and any pain regression."""

from __future__ import annotations

from coach.progression import Dose, Plan, plan_next
from content.model import Program
from storage import Storage, UserRecord


def usual_dose(program: Program, user: UserRecord) -> Dose:
    """The user's dose before any one-off regression: preset plus accepted steps."""
    preset = program.preset(user.preset)
    base = Dose.from_preset(preset)
    return Dose(
        sets=base.sets,
        reps=user.reps or base.reps,
        hold_s=base.hold_s if user.hold_s is None else user.hold_s,
        ankle_weight=user.ankle_weight,
    )


async def todays_plan(storage: Storage, program: Program, user: UserRecord) -> Plan:
    """The dose for the next session, regressed for one session after moderate pain."""
    facts = await storage.plan_facts(user.user_id)
    return plan_next(usual_dose(program, user), facts, program.preset(user.preset).ladder)

"""England defaults for the timescale rules. Source keys resolve in shared/domain/sources.md."""

from __future__ import annotations

from models.enums import ServiceContext, VisitPurpose
from models.timescales.calendar import Interval, TimeUnit
from models.timescales.rules import (
    CLAVariant,
    EventCode,
    EventDeadlineRule,
    HealthReviewRule,
    TimescaleRules,
    VisitFrequencyRule,
    VisitPhase,
)

__all__ = ["default_rules"]


def default_rules() -> TimescaleRules:
    """England defaults. Most visiting frequencies are set locally: these are typical values."""
    start = Interval(0, TimeUnit.CALENDAR_DAYS)
    one_week = Interval(1, TimeUnit.WEEKS)
    six_weeks = Interval(6, TimeUnit.WEEKS)
    first_year = Interval(12, TimeUnit.MONTHS)
    # CPPCR reg 33: first looked-after review within 20 working days. Used as the end of the
    # weekly phase for regs 19 and 24 (judgement: the real review date may differ).
    first_review = Interval(20, TimeUnit.WORKING_DAYS)
    placement = "the start of the placement"

    def throughout(every: Interval) -> tuple[VisitPhase, ...]:
        return (VisitPhase(starts_after=start, ends_after=None, every=every),)

    def changing(first: Interval, *, until: Interval, then: Interval) -> tuple[VisitPhase, ...]:
        return (
            VisitPhase(starts_after=start, ends_after=until, every=first),
            VisitPhase(starts_after=until, ends_after=None, every=then),
        )

    visits = (
        # [S11] Liverpool, Central Beds, Camden: every 10 working days.
        VisitFrequencyRule(
            context=ServiceContext.CP_PLAN,
            label="Child protection plan",
            starts_with="the start of the plan",
            phases=throughout(Interval(10, TimeUnit.WORKING_DAYS)),
        ),
        # [S16] Newcastle: at least every 4 weeks. Set locally.
        VisitFrequencyRule(
            context=ServiceContext.CIN_PLAN,
            label="Child in need plan",
            starts_with="the start of the plan",
            phases=throughout(Interval(4, TimeUnit.WEEKS)),
        ),
        # [S7] reg 28: within 1 week, then at most 6-weekly: the schedule when the placement is not
        # meant to last until 18, and the safe default when that is not known.
        VisitFrequencyRule(
            context=ServiceContext.CLA,
            label="Looked-after child",
            starts_with=placement,
            first_visit_within=one_week,
            phases=throughout(six_weeks),
        ),
        # [S7] reg 28: within 1 week, 6-weekly in year 1, then 3-monthly (meant to last to 18).
        VisitFrequencyRule(
            context=CLAVariant.LONG_TERM,
            label="Looked-after child, placement meant to last until 18",
            starts_with=placement,
            first_visit_within=one_week,
            phases=changing(six_weeks, until=first_year, then=Interval(3, TimeUnit.MONTHS)),
        ),
        # [S7] reg 19, placed with a parent before assessment: weekly to first review, then
        # at most 6-weekly.
        VisitFrequencyRule(
            context=CLAVariant.PLACED_WITH_PARENT,
            label="Looked-after child placed with a parent (reg 19)",
            starts_with=placement,
            first_visit_within=one_week,
            phases=changing(one_week, until=first_review, then=six_weeks),
        ),
        # [S7] reg 24 or interim care order, with a parent: weekly to first review, then at
        # most 4-weekly.
        VisitFrequencyRule(
            context=CLAVariant.INTERIM_WITH_PARENT,
            label="Looked-after child placed with a parent (reg 24 or ICO)",
            starts_with=placement,
            first_visit_within=one_week,
            phases=changing(one_week, until=first_review, then=Interval(4, TimeUnit.WEEKS)),
        ),
        # [S9] reg 8: at most 6-weekly in the first year, then at most 12-weekly.
        VisitFrequencyRule(
            context=ServiceContext.PRIVATE_FOSTERING,
            label="Private fostering",
            starts_with="the start of the arrangement",
            phases=changing(six_weeks, until=first_year, then=Interval(12, TimeUnit.WEEKS)),
        ),
        # [S17][S24] Knowsley: seen within 3 working days of the decision to assess.
        VisitFrequencyRule(
            context=ServiceContext.ASSESSMENT_S17,
            label="Child and family assessment",
            starts_with="the decision to assess",
            first_visit_within=Interval(3, TimeUnit.WORKING_DAYS),
        ),
        # [S17] Knowsley: section 47, seen within 1 working day.
        VisitFrequencyRule(
            context=ServiceContext.S47_ENQUIRY,
            label="Section 47 enquiry",
            starts_with="the decision to start the enquiry",
            first_visit_within=Interval(1, TimeUnit.WORKING_DAYS),
        ),
        # No national value: set locally.
        VisitFrequencyRule(
            context=ServiceContext.EARLY_HELP,
            label="Early help",
            starts_with="the start of early help",
        ),
        # [S25][S27] mandated reviews by age (below); no regular visiting frequency.
        *(
            VisitFrequencyRule(
                context=context,
                label=label,
                starts_with="the start of the service",
                health_reviews=True,
            )
            for context, label in (
                (ServiceContext.HCP_UNIVERSAL, "Health visiting (universal)"),
                (ServiceContext.HCP_UNIVERSAL_PLUS, "Health visiting (universal plus)"),
                (ServiceContext.HCP_PARTNERSHIP_PLUS, "Health visiting (partnership plus)"),
            )
        ),
    )
    deadlines = (
        # [S17][S24]
        EventDeadlineRule(
            event=EventCode.DECISION_TO_ASSESS,
            what="Child seen",
            after="the decision to assess",
            within=Interval(3, TimeUnit.WORKING_DAYS),
            met_by_seeing_child=True,
        ),
        # [S17]
        EventDeadlineRule(
            event=EventCode.S47_DECISION,
            what="Child seen",
            after="the decision to start a section 47 enquiry",
            within=Interval(1, TimeUnit.WORKING_DAYS),
            met_by_seeing_child=True,
        ),
        # [S17] Knowsley: no access, or child not seen.
        EventDeadlineRule(
            event=EventCode.CHILD_NOT_SEEN,
            what="Child seen",
            after="a visit where the child was not seen",
            within=Interval(5, TimeUnit.WORKING_DAYS),
            met_by_seeing_child=True,
        ),
        # [S20]
        EventDeadlineRule(
            event=EventCode.REFERRAL,
            what="Assessment completed",
            after="the referral",
            within=Interval(45, TimeUnit.WORKING_DAYS),
        ),
        # [S22]
        EventDeadlineRule(
            event=EventCode.STRATEGY_DISCUSSION,
            what="Initial child protection conference held",
            after="the strategy discussion",
            within=Interval(15, TimeUnit.WORKING_DAYS),
        ),
        # [S11]
        EventDeadlineRule(
            event=EventCode.ICPC,
            what="First core group held",
            after="the initial child protection conference",
            within=Interval(10, TimeUnit.WORKING_DAYS),
        ),
    )
    # [S25] reg 5A and [S27] metrics. Antenatal (over 28 weeks pregnant) is left out: it needs
    # an expected date of delivery, which ChildFacts does not carry.
    reviews = (
        HealthReviewRule(
            code=VisitPurpose.HCP_NEW_BIRTH,
            label="New birth review",
            opens_after=Interval(10, TimeUnit.CALENDAR_DAYS),
            due_by=Interval(14, TimeUnit.CALENDAR_DAYS),
            closes_after=Interval(30, TimeUnit.CALENDAR_DAYS),
        ),
        HealthReviewRule(
            code=VisitPurpose.HCP_6_8_WEEK,
            label="6 to 8 week review",
            opens_after=six_weeks,
            due_by=Interval(8, TimeUnit.WEEKS),
            closes_after=Interval(8, TimeUnit.WEEKS),
        ),
        HealthReviewRule(
            code=VisitPurpose.HCP_12_MONTH,
            label="12 month review",
            opens_after=Interval(9, TimeUnit.MONTHS),
            due_by=Interval(12, TimeUnit.MONTHS),
            closes_after=Interval(15, TimeUnit.MONTHS),
        ),
        HealthReviewRule(
            code=VisitPurpose.HCP_2_TO_2_5_YEAR,
            label="2 to 2½ year review",
            opens_after=Interval(24, TimeUnit.MONTHS),
            due_by=Interval(30, TimeUnit.MONTHS),
            closes_after=Interval(30, TimeUnit.MONTHS),
        ),
    )
    return TimescaleRules(
        visit_frequencies=visits, event_deadlines=deadlines, health_reviews=reviews
    )

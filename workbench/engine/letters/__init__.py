"""Is-informed letters: company-specific licence requirements layered over any regime.

BIS can tell one company by letter that an item needs a licence (15 CFR 744.23-style "is
informed"), with no Federal Register rule and no public thresholds. A letter binds only its
addressee, so it is not a regime: it is an overlay on a regime's determination. This package is
pure (pydantic + zoneinfo): the letter model, criteria evaluation (the engine's condition trees
over ``compute_metrics``), destinations (``Places`` matched on the country table), the status
machine and deadline maths, one module each (model, status, deadlines, coverage, overlay,
catalog). The store, the services, the CLI and the GUI render what it returns.
"""

from workbench.engine.letters.model import (  # noqa: F401
    AGENCY_TZ, Status, STATUSES, STATUS_LABELS, TRANSITIONS, RECORDED_IN_ERROR, FINAL_STATUSES, ApplicationStatus, LetterCriterion, Coverage, Requirement, Deadline, LicenceApplication, StatusEvent, Letter, zone, revalidate,
    Activity, ACTIVITIES, ACTIVITY_LABELS, ItemKind, ITEM_KINDS, ITEM_KIND_LABELS, Exemption)
from workbench.engine.letters.status import (  # noqa: F401
    TransitionRefused, check_transition, transition)
from workbench.engine.letters.deadlines import (  # noqa: F401
    deadline_cutoff, DeadlineView, deadline_view)
from workbench.engine.letters.coverage import (  # noqa: F401
    CONFIDENCE_ORDER, CompiledLetter, LetterLike, compile_letters, ProductCoverage, phrase, coverage, place_result,
    item_kind_of, scope_result)
from workbench.engine.letters.overlay import (  # noqa: F401
    BINDS, MAY_BIND, DOES_NOT_BIND, LetterMatch, LetterOverlay, match_letter, apply_letters, overlay_position)
from workbench.engine.letters.catalog import (  # noqa: F401
    Catch, newly_caught, TimelineEvent, Dashboard, timeline, dashboard)

"""One place that imports every model, so metadata and Alembic see all tables."""


def import_all_models() -> None:
    from bot.beneficiaries import models as _beneficiaries  # noqa: F401
    from bot.broadcasts import models as _broadcasts  # noqa: F401
    from bot.directory import models as _directory  # noqa: F401
    from bot.handoffs import models as _handoffs  # noqa: F401
    from bot.messaging import models as _messaging  # noqa: F401
    from bot.orientation import models as _orientation  # noqa: F401
    from bot.reports import indexes as _report_indexes  # noqa: F401 (the reports' indexes)
    from bot.staff import models as _staff  # noqa: F401
    from bot.trainings import models as _trainings  # noqa: F401

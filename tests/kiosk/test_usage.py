"""The kiosk records anonymous usage events: started, steps, and abandoned on a wipe."""

from __future__ import annotations

import datetime as dt

from dfhelper.escalation.store import default_url, open_store
from tests.kiosk.conftest import MakeApp
from tests.kiosk.test_screens import to_step


async def test_a_visit_leaves_anonymous_events_and_an_abandoned_one_on_wipe(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_step(pilot, "repeat-prescription")
        await pilot.press("1")
        await pilot.pause()
        assert app.visit is not None
        anonymous = app.visit.anonymous_id
        await app.wipe()
        await pilot.pause()
        assert app.core is not None
        assert app.core.events is not None
        assert app.core.events.wait_idle(10)
        assert app.core.config.paths.data_dir is not None
        store = open_store(default_url(app.core.config.paths.data_dir))
        now = dt.datetime.now(dt.UTC)
        events = list(store.events(now - dt.timedelta(hours=1), now + dt.timedelta(hours=1)))
        store.close()
    assert {e.session for e in events} == {anonymous}
    kinds = [e.kind for e in events]
    assert kinds[0] == "started"
    assert kinds[-1] == "abandoned"
    assert [e.step for e in events if e.kind == "step"][:2] == ["intro", "can_log_in"]
    assert {e.mode for e in events} == {"kiosk"}
    assert all(e.flow == "repeat-prescription" for e in events)


async def test_going_back_to_the_task_list_counts_the_task_as_abandoned(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_step(pilot, "repeat-prescription")
        app.leave_task()
        await pilot.pause()
        assert app.core is not None
        assert app.core.events is not None
        assert app.core.events.wait_idle(10)
        assert app.core.config.paths.data_dir is not None
        store = open_store(default_url(app.core.config.paths.data_dir))
        now = dt.datetime.now(dt.UTC)
        kinds = [e.kind for e in store.events(now - dt.timedelta(hours=1), now + dt.timedelta(hours=1))]
        store.close()
    assert kinds[0] == "started"
    assert kinds[-1] == "abandoned"

"""The console's texts are a catalog: web/console/locale/console.pot holds every text its
templates and pages show, so a translator can start from it (`make console-pot`)."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from peerlearn.settings import PROJECT_ROOT
from web.console.i18n import POT


def test_the_console_catalog_template_is_current():
    with (PROJECT_ROOT / "web" / "console" / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = {message if isinstance(message, str) else message[0]
             for _, _, message, _, _ in extract_from_dir(
                 str(PROJECT_ROOT), method_map, options_map)}
    with POT.open("rb") as fh:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    assert found - known == set(), "run `make console-pot`: new texts are missing"
    assert known - found == set(), "run `make console-pot`: the template has old texts"

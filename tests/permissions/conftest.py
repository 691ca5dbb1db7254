import pytest


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path):
    """Uploaded rosters and reports that cases create go to a temporary private directory."""
    settings.SHUZHI_PRIVATE_DIR = tmp_path / "private"

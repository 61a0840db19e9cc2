"""Uploads (issue 21, class 9): a picture above IMAGE_MAX_PIXELS is refused from its header,
and the ladder of sizes is the Celery worker's, after the commit: the web worker's memory
hardly moves during a large upload, and the product page shows the original until the
ladder is there, then the ladder.

Through a real gunicorn and a real Celery worker (the "services" backend).
"""

from __future__ import annotations

import io
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from storefront.models import GoodsSKU
from tests import servers
from tests.admin.test_admin import form_fields, reload
from tests.deploy.test_nginx import Browser, sign_in_through
from tests.web.test_worker_survival import workers

pytestmark = pytest.mark.parametrize("backend", ["services"], indirect=True)
MIB = 1024 * 1024


def jpeg(size: tuple[int, int]) -> bytes:
    """A smooth picture of this many pixels, small as a file (a gradient compresses well)."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def status_kib(pid: int, field: str) -> int:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", text, re.M).group(1))


def upload(browser: Browser, path: str, picture: bytes) -> tuple[int, str]:
    fields = form_fields(browser.get(path).text)
    fields["default_image"] = FileStorage(io.BytesIO(picture), "big.jpg", "default_image",
                                          "image/jpeg")
    boundary, body = encode_multipart(fields)
    req = urllib.request.Request(browser.base + path, data=body, method="POST",  # noqa: S310
                                 headers={"Content-Type":
                                          f"multipart/form-data; boundary={boundary}"})
    try:
        with browser.opener.open(req, timeout=60) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def test_a_large_upload_leaves_the_ladder_to_the_worker(app, app_config, client, staff, shop,
                                                        tmp_path):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = servers.app_environment(app_config, FLASK_CELERY_QUEUE=queue)
    gunicorn, port = servers.start_gunicorn(env, tmp_path / "web")
    worker = None
    try:
        browser = Browser(port)
        sign_in_through(browser, "sam")
        (pid,) = workers(gunicorn.popen.pid)
        edit = f"/admin/goodssku/edit/?id={shop.apples}"

        original = reload(GoodsSKU, shop.apples).default_image
        status, form = upload(browser, edit, jpeg((8000, 5100)))  # 40.8 megapixels
        assert status == 200 and "at most 40" in form  # the form again, saying why
        assert reload(GoodsSKU, shop.apples).default_image == original

        picture = jpeg((7000, 5600))  # 39.2 megapixels: allowed
        peak_before, samples, done = status_kib(pid, "VmHWM"), [], threading.Event()

        def sample() -> None:
            while not done.is_set():
                samples.append(status_kib(pid, "VmRSS"))
                time.sleep(0.005)
        sampler = threading.Thread(target=sample)
        sampler.start()
        rss_before = status_kib(pid, "VmRSS")
        try:
            assert upload(browser, edit, picture)[0] == 302
        finally:
            done.set()
            sampler.join(5)
        peak_growth = (status_kib(pid, "VmHWM") - peak_before) / 1024
        rss_growth = (max(samples) - rss_before) / 1024
        print(f"\nweb worker during a {len(picture) / MIB:.1f} MB, 39.2-megapixel upload: "
              f"RSS {rss_before / 1024:.0f} MiB -> peak {max(samples) / 1024:.0f} MiB "
              f"(+{rss_growth:.1f}), VmHWM +{peak_growth:.1f} MiB")
        assert rss_growth < 64 and peak_growth < 64

        saved = reload(GoodsSKU, shop.apples).default_image
        stem = saved.rsplit(".", 1)[0]
        page = browser.get(f"/goods/{shop.apples}").text
        assert f'src="/media/{saved}"' in page and f"{stem}.160w.webp" not in page  # original
        media = Path(app_config["MEDIA_ROOT"])
        assert not (media / f"{stem}.160w.webp").exists()  # nobody built it in the request

        worker = servers.start_worker(env, tmp_path / "worker", queue=queue)
        deadline = time.monotonic() + 60
        while f"/media/{stem}.160w.webp 160w" not in browser.get(f"/goods/{shop.apples}").text:
            assert time.monotonic() < deadline, worker.log()
            time.sleep(0.1)
        assert (media / f"{stem}.1280w.jpg").exists()
    finally:
        if worker:
            worker.stop()
        gunicorn.stop()

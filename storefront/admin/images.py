"""Image uploads for the admin: real images only (checked with Pillow), a size limit, and
names the shop makes up, under MEDIA_ROOT."""

from __future__ import annotations

import logging
import os
import uuid
import warnings
from typing import IO, Any

from flask import current_app
from flask_admin.form.upload import FileUploadField, ImageUploadInput
from PIL import Image
from wtforms import Form, ValidationError
from wtforms.validators import InputRequired

from storefront.extensions import db
from storefront.services import images, ladders

log = logging.getLogger(__name__)

MB = 1024 * 1024
IMAGE_EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}


def checked_image_format(stream: IO[bytes], min_side: int = 0) -> str:
    """The upload's real format, read from its bytes. ValidationError when it is too big, is
    not a JPEG, PNG, WebP or GIF (a text, HTML or SVG file renamed .jpg included), or has a
    side shorter than ``min_side`` pixels (the pages would blow it up, blurred)."""
    limit = current_app.config["ADMIN_MAX_IMAGE_BYTES"]
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size > limit:
        raise ValidationError(f"The file is {size / MB:.1f} MB; images may be at most "
                              f"{limit / MB:g} MB.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)  # pixel floods
            with Image.open(stream, formats=list(IMAGE_EXTENSIONS)) as image:
                images.check_pixels(image)  # the header says; nothing decoded yet
                image.verify()
                image_format, (width, height) = str(image.format), image.size
    except images.TooLarge as exc:
        raise ValidationError(str(exc)) from exc
    except Exception as exc:
        raise ValidationError("That file is not a JPEG, PNG, WebP or GIF image.") from exc
    finally:
        stream.seek(0)
    if min(width, height) < min_side:
        raise ValidationError(f"The picture is {width} × {height} px; product pictures need "
                              f"at least {min_side} × {min_side} px to look sharp.")
    return image_format


class MediaImageInput(ImageUploadInput):
    data_template = (
        '<div class="image-thumbnail mb-2">'
        ' <img %(image)s alt="" height="120" class="img-thumbnail">'
        ' <label class="ml-2"><input type="checkbox" name="%(marker)s"> Remove</label>'
        " <input %(text)s>"
        "</div>"
        "<input %(file)s>"
    )


class RequiredImageInput(MediaImageInput):
    """No "Remove" box where a picture is required: it could only be refused."""

    data_template = MediaImageInput.data_template.replace(
        ' <label class="ml-2"><input type="checkbox" name="%(marker)s"> Remove</label>', "")


class MediaImageField(FileUploadField):
    """An image under MEDIA_ROOT/<folder>; the column keeps the path relative to MEDIA_ROOT
    ("goods/<uuid>.png"), as the demo seeder does. MEDIA_ROOT is read per request."""

    widget = MediaImageInput()
    # what ImageUploadInput reads to preview the current picture
    endpoint, thumbnail_size, url_relative_path = "media", None, None

    def __init__(self, label: str | None = None, validators: list | None = None,
                 folder: str = "", min_side: int = 0, **kwargs: Any) -> None:
        validators = list(validators or [])
        # InputRequired reads the hidden current path, so it cannot tell "kept" from
        # "removed": pre_validate decides instead.
        required = any(isinstance(v, InputRequired) for v in validators)
        validators = [v for v in validators if not isinstance(v, InputRequired)]
        kwargs.setdefault("render_kw", {"accept": "image/jpeg,image/png,image/webp,image/gif"})
        super().__init__(label, validators, relative_path=folder, **kwargs)
        self.folder, self.required, self.image_format = folder, required, ""
        self.min_side = min_side
        self.flags.required = required
        if required:
            self.widget = RequiredImageInput()

    def pre_validate(self, form: Form) -> None:
        if self._is_uploaded_file(self.data):
            self.image_format = checked_image_format(self.data.stream, self.min_side)
        elif self.required and not self.data:
            raise ValidationError("Choose an image file.")

    def populate_obj(self, obj: Any, name: str) -> None:
        # The replaced file stays: demo rows share pictures, and cached and static pages
        # point at it until they are rebuilt after the commit.
        if self._is_uploaded_file(self.data):
            setattr(obj, name, self._save())
        elif self._should_delete:
            setattr(obj, name, "")

    def _save(self) -> str:
        """Write the upload under a fresh name with its real format's extension (never the
        client's name, which says nothing about the bytes)."""
        relative = f"{self.folder}{uuid.uuid4().hex}{IMAGE_EXTENSIONS[self.image_format]}"
        path = os.path.join(current_app.config["MEDIA_ROOT"], *relative.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.data.stream.seek(0)
        self.data.save(path)
        # The ladder of sizes the pages show is the worker's, after the commit (a replaced
        # picture gets a new name and so a new ladder); until it is there, the original.
        ladders.note(db.session, relative)
        return relative

"""What every form page shares."""


def form_status(form) -> int:
    """Bad input is a 400, also on a page that shows the form again with its errors."""
    return 400 if form.is_bound and form.errors else 200

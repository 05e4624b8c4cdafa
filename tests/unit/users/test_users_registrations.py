from shop.users.registrations import user_registered


def _record(event_name, image):
    return {"eventName": event_name, "dynamodb": {"NewImage": {k: {"S": v} for k, v in image.items()}}}


def test_a_new_profile_row_is_a_registration():
    event = user_registered(_record("INSERT", {"userId": "u1", "email": "ada@example.com"}))
    assert (event.user_id, event.email) == ("u1", "ada@example.com")


def test_profile_updates_and_rows_without_email_are_not_registrations():
    assert user_registered(_record("MODIFY", {"userId": "u1", "email": "ada@example.com"})) is None
    assert user_registered(_record("INSERT", {"userId": "u1"})) is None

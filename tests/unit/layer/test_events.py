"""Event envelopes and models: creation, validation, the registry, the committed JSON Schemas, samples."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest
from conftest_events import order_created
from pydantic import ValidationError
from shop.events import (
    Envelope,
    OrderConfirmed,
    OrderCreated,
    PaymentFailed,
    ProductUpdated,
    UnknownEventType,
    envelope_model,
    event_model,
    event_models,
    make_event,
    parse_envelope,
)
from shop.events.consume import parse_event
from shop.events.schemas import check, event_schema, main, schema_filename
from shop.observability import set_correlation_id

ROOT = Path(__file__).resolve().parents[3]
SCHEMAS = ROOT / "events" / "schemas"
SAMPLES = ROOT / "events" / "samples"

DESIGN_EVENTS = {
    "OrderCreated",
    "InventoryReserved",
    "InventoryReservationFailed",
    "InventoryReleased",
    "InventoryCommitted",
    "PaymentAuthorized",
    "PaymentFailed",
    "PaymentCaptured",
    "PaymentRefunded",
    "OrderConfirmed",
    "OrderFailed",
    "OrderCancelled",
    "ProductUpdated",
    "StockChanged",
    "UserRegistered",
}


def test_every_design_event_has_a_registered_model():
    assert {model.event_type for model in event_models()} == DESIGN_EVENTS
    assert all(model.source.startswith("shop.") for model in event_models())


def test_make_event_fills_the_envelope():
    envelope = make_event(order_created(), correlation_id="c-1")
    assert uuid.UUID(envelope.event_id).version == 4
    assert (envelope.type, envelope.schema_version, envelope.source) == ("OrderCreated", 1, "shop.order")
    assert envelope.time.utcoffset().total_seconds() == 0
    assert envelope.correlation_id == "c-1"
    assert isinstance(envelope, Envelope)


def test_make_event_takes_the_invocation_correlation_id():
    set_correlation_id("from-the-request")
    try:
        assert make_event(order_created()).correlation_id == "from-the-request"
    finally:
        set_correlation_id(None)


def test_make_event_invents_a_correlation_id_outside_an_invocation():
    assert uuid.UUID(make_event(order_created()).correlation_id)


def test_event_json_is_camel_case_with_money_in_minor_units():
    detail = json.loads(make_event(order_created(quantity=3), correlation_id="c").model_dump_json())
    assert set(detail) == {"eventId", "type", "schemaVersion", "source", "time", "correlationId", "data"}
    assert detail["data"]["items"][0] == {
        "sku": "MUG-1",
        "productId": "p-1",
        "name": "Mug",
        "quantity": 3,
        "unitPrice": 1250,
    }
    assert (detail["data"]["total"], detail["data"]["currency"]) == (3750, "USD")
    assert detail["time"].endswith("Z")


def test_envelope_round_trips_through_json():
    envelope = make_event(order_created(), correlation_id="c")
    parsed = parse_envelope(envelope.model_dump_json())
    assert parsed == envelope
    assert isinstance(parsed.data, OrderCreated)


def _detail(**changes):
    detail = json.loads(make_event(order_created(), correlation_id="c").model_dump_json())
    detail.update(changes)
    return detail


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"eventId": "not-a-uuid"}, "eventId"),
        ({"time": "2026-01-01T10:00:00"}, "time"),  # no timezone
        ({"correlationId": ""}, "correlationId"),
        ({"source": "shop.payment"}, "source"),  # OrderCreated comes from shop.order only
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_envelope_validation_names_the_bad_field(changes, field):
    with pytest.raises(ValidationError) as error:
        parse_envelope(_detail(**changes))
    assert field in {str(part) for e in error.value.errors() for part in e["loc"]}


def test_data_validation_names_the_bad_field():
    detail = _detail()
    detail["data"]["items"][0]["quantity"] = 0
    with pytest.raises(ValidationError) as error:
        parse_envelope(detail)
    assert ("data", "items", 0, "quantity") in [e["loc"] for e in error.value.errors()]


def test_money_must_be_integer_cents_and_currency_iso():
    with pytest.raises(ValidationError):
        OrderConfirmed(order_id="o", user_id="u", items=order_created().items, total=12.5, currency="USD")
    with pytest.raises(ValidationError):
        OrderConfirmed(order_id="o", user_id="u", items=order_created().items, total=1250, currency="usd")


def test_typed_envelope_refuses_data_of_another_event():
    with pytest.raises(ValidationError):
        envelope_model(OrderCreated).model_validate(
            {**_detail(), "data": {"orderId": "o", "reason": "declined", "code": "DECLINED"}}
        )


def test_unknown_type_or_version_is_refused():
    with pytest.raises(UnknownEventType):
        parse_envelope(_detail(type="OrderExploded"))
    with pytest.raises(UnknownEventType):
        parse_envelope(_detail(schemaVersion=9))
    with pytest.raises(UnknownEventType):
        event_model("PaymentFailed", 2)


def test_consumers_ignore_fields_added_by_newer_producers():
    detail = _detail()
    detail["data"]["giftWrap"] = True
    assert parse_envelope(detail).data == order_created()


def test_product_change_kind_is_closed():
    with pytest.raises(ValidationError):
        ProductUpdated(product_id="p", change="renamed", version=2)


# ------------------------------------------------------------------ schemas


def test_committed_schemas_are_up_to_date():
    assert check(SCHEMAS) == [], "run `make schemas` and commit events/schemas/"


def test_check_command_fails_on_a_stale_schema(tmp_path, capsys):
    assert main(["--write", str(tmp_path)]) == 0
    assert main(["--check", str(tmp_path)]) == 0
    stale = tmp_path / schema_filename(PaymentFailed)
    stale.write_text(stale.read_text().replace("DECLINED", "REFUSED"))
    (tmp_path / "Gone.v1.json").write_text("{}")
    assert main(["--check", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "out of date: PaymentFailed.v1.json" in err
    assert "no model: Gone.v1.json" in err


@pytest.mark.parametrize("model", event_models(), ids=lambda model: model.event_type)
def test_schema_file_accepts_what_the_model_produces_and_rejects_a_wrong_type(model):
    schema = json.loads((SCHEMAS / schema_filename(model)).read_text())
    assert schema == event_schema(model)
    jsonschema.Draft202012Validator.check_schema(schema)
    if model is OrderCreated:
        detail = json.loads(make_event(order_created(), correlation_id="c").model_dump_json())
        jsonschema.validate(detail, schema)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**detail, "type": "Other"}, schema)


# ------------------------------------------------------------------ samples


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("eventbridge-*.json")), ids=lambda p: p.name)
def test_eventbridge_samples_parse_and_match_their_schema(path):
    event = json.loads(path.read_text())
    envelope = parse_event(event)
    assert envelope.type == event["detail-type"]
    schema = json.loads((SCHEMAS / f"{envelope.type}.v{envelope.schema_version}.json").read_text())
    jsonschema.validate(event["detail"], schema)


def test_samples_cover_eventbridge_and_api_gateway():
    names = {p.name for p in SAMPLES.glob("*.json")}
    assert any(n.startswith("eventbridge-") for n in names)
    assert any(n.startswith("apigw-") for n in names)


def test_api_gateway_sample_resolves_through_the_http_edge():
    from shop.http import create_app, current_user

    app = create_app()

    @app.get("/products/<productId>")
    def get_product(productId: str):  # noqa: N803
        return {"productId": productId, "caller": current_user(app).user_id}

    event = json.loads((SAMPLES / "apigw-get-product.json").read_text())
    response = app.resolve(event, {})
    assert response["statusCode"] == 200
    assert json.loads(response["body"])["productId"] == event["pathParameters"]["productId"]


def test_time_field_parses_iso_with_offset():
    envelope = parse_envelope(_detail(time="2026-03-01T12:00:00+02:00"))
    assert envelope.time == datetime.fromisoformat("2026-03-01T10:00:00+00:00")

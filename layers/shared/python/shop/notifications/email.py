"""Which email an event sends, and sending it through SES.

Rendering is plain Python (tested without SES); `SesMailer` is the adapter. The sender identity is
verified once per execution environment (moto and the SES sandbox refuse unverified senders).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shop.aws import client


@dataclass(frozen=True)
class EmailMessage:
    to: str
    subject: str
    text: str


def _money(amount: int, currency: str) -> str:
    return f"{amount / 100:.2f} {currency}"


def render(event_type: str, data: dict[str, Any], to: str) -> EmailMessage | None:
    """The email for an event (data in its camelCase wire form), or None when it sends none."""
    if event_type == "OrderConfirmed":
        lines = "\n".join(
            f"  {line['quantity']} x {line.get('name') or line['sku']}  {_money(line['unitPrice'] * line['quantity'], data.get('currency', 'USD'))}"
            for line in data.get("items", [])
        )
        return EmailMessage(to, f"Your order {data['orderId']} is confirmed",
                            f"Thank you for your order {data['orderId']}.\n\n{lines}\n\n"
                            f"Total: {_money(int(data['total']), data.get('currency', 'USD'))}\n")
    if event_type == "OrderCancelled":
        return EmailMessage(to, f"Your order {data['orderId']} was cancelled",
                            f"Your order {data['orderId']} was cancelled ({data.get('reason', 'cancelled')}).\n"
                            "Any payment taken is refunded and nothing was charged twice.\n")
    if event_type == "UserRegistered":
        return EmailMessage(to, "Welcome to the shop", "Your account is ready. Happy shopping!\n")
    return None


class SesMailer:
    def __init__(self, sender: str, ses: Any = None) -> None:
        self.sender = sender
        self._ses = ses
        self._verified = False

    @property
    def ses(self) -> Any:
        return self._ses or client("ses")

    def ensure_sender_verified(self) -> None:
        """Ask SES to verify the sender unless it is already (VerifyEmailIdentity mails the owner in AWS)."""
        if self._verified:
            return
        attributes = self.ses.get_identity_verification_attributes(Identities=[self.sender])
        if self.sender not in attributes.get("VerificationAttributes", {}):
            self.ses.verify_email_identity(EmailAddress=self.sender)
        self._verified = True

    def send(self, message: EmailMessage) -> str:
        self.ensure_sender_verified()
        answer = self.ses.send_email(
            Source=self.sender,
            Destination={"ToAddresses": [message.to]},
            Message={"Subject": {"Data": message.subject, "Charset": "UTF-8"},
                     "Body": {"Text": {"Data": message.text, "Charset": "UTF-8"}}},
        )
        return str(answer["MessageId"])


def recipient_of(event_type: str, data: dict[str, Any], order_email: Callable[[str], str | None]) -> str | None:
    """Who gets the email: the address in the event, else the order's (OrderCancelled carries none)."""
    if data.get("email"):
        return str(data["email"])
    if event_type.startswith("Order") and data.get("orderId"):
        return order_email(str(data["orderId"]))
    return None

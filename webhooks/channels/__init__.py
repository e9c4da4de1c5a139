"""The channels this service speaks. A channel is one module ending with `CHANNEL =
Channel(...)` (webhooks/channels/base.py); adding one is adding it to `CHANNELS`."""

from content.channels import declare
from webhooks.channels import messenger, telegram, twilio_sms

CHANNELS = (twilio_sms.CHANNEL, telegram.CHANNEL, messenger.CHANNEL)

for _channel in CHANNELS:
    declare(_channel.provider, _channel.kinds)

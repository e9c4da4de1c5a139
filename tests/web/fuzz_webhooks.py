"""What Telegram and Twilio post to the webhooks and what they get back, in OpenAPI terms,
for the fuzz run (test_fuzz.py). The routes read the raw request and answer as each
provider expects, so the app's schema has neither; without a request body, schemathesis
would send nothing worth parsing.

Only the fields the adapters read are described (every other field may come too); each
body has one real example, which schemathesis sends first.
"""

from __future__ import annotations

STRING, INTEGER = {"type": "string"}, {"type": "integer"}
CHAT = {"type": "object", "required": ["id", "type"],
        "properties": {"id": INTEGER, "type": {"enum": ["private", "group"]},
                       "username": STRING}}
USER = {"type": "object", "required": ["id", "is_bot", "first_name"],
        "properties": {"id": INTEGER, "is_bot": {"type": "boolean"}, "first_name": STRING,
                       "username": STRING, "language_code": STRING}}
MESSAGE = {"type": "object", "required": ["message_id", "date", "chat"],
           "properties": {"message_id": INTEGER, "date": INTEGER, "chat": CHAT, "from": USER,
                          "text": STRING, "caption": STRING,
                          "photo": {"type": "array", "items": {
                              "type": "object", "required": ["file_id", "file_unique_id",
                                                             "width", "height"],
                              "properties": {"file_id": STRING, "file_unique_id": STRING,
                                             "width": INTEGER, "height": INTEGER}}},
                          "contact": {"type": "object", "required": ["phone_number",
                                                                     "first_name"],
                                      "properties": {"phone_number": STRING,
                                                     "first_name": STRING,
                                                     "user_id": INTEGER}}}}
UPDATE = {"type": "object", "required": ["update_id"],
          "properties": {"update_id": INTEGER, "message": MESSAGE, "edited_message": MESSAGE,
                         "callback_query": {
                             "type": "object", "required": ["id", "from", "chat_instance"],
                             "properties": {"id": STRING, "from": USER, "message": MESSAGE,
                                            "chat_instance": STRING, "data": STRING}}}}
HELLO = {"update_id": 10001, "message": {
    "message_id": 1, "date": 1767225600, "text": "hi",
    "chat": {"id": 777201, "type": "private"},
    "from": {"id": 777201, "is_bot": False, "first_name": "Dewi"}}}

SMS = {"type": "object", "required": ["MessageSid", "From", "To", "Body"],
       "properties": {name: STRING for name in (
           "MessageSid", "SmsSid", "AccountSid", "From", "To", "Body", "NumMedia",
           "NumSegments", "MediaUrl0", "MediaContentType0")}}
SMS_HELLO = {"MessageSid": "SM00000000000000000000000000fuzz1", "AccountSid": "AC0",
             "From": "+85512777202", "To": "+15005550006", "Body": "hi", "NumMedia": "0",
             "NumSegments": "1"}
STATUS = {"type": "object", "required": ["MessageSid", "MessageStatus"],
          "properties": {name: STRING for name in (
              "MessageSid", "SmsSid", "MessageStatus", "SmsStatus", "ErrorCode",
              "NumSegments", "To")}}
STATUS_DELIVERED = {"MessageSid": "SM00000000000000000000000000fuzz2",
                    "MessageStatus": "delivered", "NumSegments": "1"}
FORM = "application/x-www-form-urlencoded"


def body(media_type: str, schema: dict, example: dict) -> dict:
    return {"required": True, "content": {media_type: {"schema": schema, "example": example}}}


# path -> what to add to its POST operation
WEBHOOKS = {
    "/webhooks/telegram": {"requestBody": body("application/json", UPDATE, HELLO)},
    "/webhooks/twilio/sms": {
        "requestBody": body(FORM, SMS, SMS_HELLO),
        "responses": {"200": {"description": "Empty TwiML: replies go through the outbox",
                              "content": {"application/xml": {}}}}},
    "/webhooks/twilio/status": {
        "requestBody": body(FORM, STATUS, STATUS_DELIVERED),
        "responses": {"204": {"description": "Recorded"}}},
}

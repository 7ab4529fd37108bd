# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Messages posted in bulk: ``message_post`` for a batch of records.

Odoo posts and notifies one message at a time: each message is created, its
recipients looked up, its notification emails and notifications created, by
statements of their own. A collection run posts hundreds of reminders per
batch. This model posts them as ``message_post`` would, with the same
messages, recipients, emails, notifications and SMS, but creates the
batch's messages in one statement, its notification emails, its SMS and
their notifications in one statement each, sends the SMS due at once
together, and looks the recipients up once.

It re-does the steps of ``mail.thread``'s ``message_post``,
``_notify_thread``, ``_notify_thread_by_email`` and (``sms``)
``_notify_thread_by_sms`` around the hooks they call (author, thread
parent, attachments, after-post hook, recipients, classification, layout,
inbox, web push). Another module's override of
a re-done step would be skipped: when the posting model has one that was
not reviewed here, each message is posted by ``message_post``
(``_bulk_supported``). Notifications scheduled for later, re-sent or sent
at once (``mail_notify_force_send``) are left to ``_notify_thread``.
"""

from collections import defaultdict

from markupsafe import escape

from odoo import Command, api, models
from odoo.tools import clean_context, html2plaintext, is_list_of, split_every

from odoo.addons.sms.tools.sms_tools import sms_content_to_rendered_html

# The steps re-done here, and the modules whose versions of them were read
# and are re-done (``rating`` acts only on a rating given with the message,
# which no bulk post gives).
BULK_REDONE_METHODS = (
    "message_post",
    "_message_create",
    "_notify_thread",
    "_notify_thread_by_email",
    "_notify_thread_by_sms",
    "_notify_by_email_get_base_mail_values",
)
BULK_REVIEWED_MODULES = frozenset({"mail", "sms", "rating", "recouvrement_fidelite"})


class CollectionMessageBulk(models.AbstractModel):
    _name = "collection.message.bulk"
    _description = "Collection: messages posted in bulk"

    @api.model
    def _bulk_supported(self, model_name):
        """Whether the steps re-done here are, on ``model_name``, only those
        of the modules reviewed (``BULK_REVIEWED_MODULES``)."""
        for klass in type(self.env[model_name]).__mro__:
            module = getattr(klass, "_module", None)
            if module in BULK_REVIEWED_MODULES:
                continue
            if any(name in vars(klass) for name in BULK_REDONE_METHODS):
                return False
        return True

    @api.model
    def _post(self, posts):
        """Post ``posts``, a list of ``(record, values)`` with ``values``
        the keyword arguments of ``record.message_post`` (``message_type``
        ``"sms"``: as ``_message_sms`` posts it, the body being the SMS
        text), and return their messages, in the same order.

        A record posted on twice gets its second message once the first is
        created (its thread may start with the first).
        """
        if not posts:
            return []
        if len({record._name for record, _values in posts}) > 1 or not (
            self._bulk_supported(posts[0][0]._name)
        ):
            return [record.message_post(**values) for record, values in posts]
        messages = [None] * len(posts)
        waiting = list(range(len(posts)))
        while waiting:
            now, later, seen = [], [], set()
            for index in waiting:
                record = posts[index][0]
                (later if record.id in seen else now).append(index)
                seen.add(record.id)
            created = self._post_once([posts[index] for index in now])
            for index, message in zip(now, created, strict=True):
                messages[index] = message
            waiting = later
        return messages

    @api.model
    def _post_once(self, posts):
        """``_post`` for posts on distinct records."""
        first_messages = self._first_messages(
            posts[0][0].browse().union(*(r for r, _v in posts))
        )
        prepared = [
            self._message_values(record, values, first_messages)
            for record, values in posts
        ]
        Model = prepared[0][0].browse()
        created = Model._message_create([values for _r, values, _n in prepared])
        self._subscribe_authors(prepared)
        posted = []
        for (record, values, notify), message in zip(prepared, created, strict=True):
            record._message_post_after_hook(message, values)
            posted.append((record, message, values, notify))
        self._notify(posted)
        return list(created)

    @api.model
    def _first_messages(self, records):
        """The first message of each of ``records``' threads, by record id
        (``False``: none yet), found at once where ``message_post`` looks it
        up for each message (``_message_compute_parent_id``: a flat thread's
        messages answer its first one); ``None`` for threads that are not
        flat (each message finds its parent as ``message_post`` does)."""
        if not records._mail_flat_thread:
            return None
        # The domain of ``_message_compute_parent_id``, for every thread.
        first = (
            self.env["mail.message"]
            .sudo()
            ._read_group(
                [
                    ("res_id", "in", records.ids),
                    ("model", "=", records._name),
                    ("message_type", "!=", "user_notification"),
                ],
                ["res_id"],
                ["id:min"],
            )
        )
        return dict.fromkeys(records.ids, False) | dict(first)

    @api.model
    def _message_values(self, record, values, first_messages=None):
        """``(record, message values, notification values)`` as
        ``record.message_post(**values)`` creates and notifies the message
        (see its steps there); ``first_messages``: the threads' first
        messages (``_first_messages``), when known."""
        record.ensure_one()
        values = dict(values)
        record._raise_for_invalid_parameters(
            set(values), forbidden_names={"model", "res_id", "subtype"}
        )
        body = values.pop("body", "")
        message_type = values.pop("message_type", "notification")
        if message_type == "sms":
            # As ``sms``'s ``message_post``: the SMS text as given, the
            # message's body made readable.
            values["sms_content"] = body
            body = sms_content_to_rendered_html(body)
        attachment_ids = list(values.pop("attachment_ids", None) or [])
        partner_ids = list(values.pop("partner_ids", None) or [])
        if not is_list_of(attachment_ids, int) or not is_list_of(partner_ids, int):
            raise ValueError(
                "Posting needs attachment and partner ids as lists of ids"
                f" (received {attachment_ids!r}, {partner_ids!r})"
            )
        IrModelData = self.env["ir.model.data"]
        subtype_id = values.pop("subtype_id", False)
        subtype_xmlid = values.pop("subtype_xmlid", None)
        if subtype_xmlid:
            subtype_id = IrModelData._xmlid_to_res_id(subtype_xmlid)
        if not subtype_id:
            subtype_id = IrModelData._xmlid_to_res_id("mail.mt_note")
        author_id = values.pop("author_id", None)
        email_from = values.pop("email_from", None)
        parent_id = values.pop("parent_id", False)
        subject = values.pop("subject", None)
        fields = self.env["mail.message"]._fields
        message_values = {key: value for key, value in values.items() if key in fields}
        notify_values = {
            key: value for key, value in values.items() if key not in message_values
        }
        record = record._fallback_lang()
        author_id, email_from = record._message_compute_author(
            author_id, email_from, raise_on_email=True
        )
        if record.env.context.get("mail_post_autofollow") and partner_ids:
            record.message_subscribe(partner_ids=partner_ids)
        message_values.setdefault("email_add_signature", True)
        if not message_values.get("record_name"):
            message_values["record_name"] = record.sudo().display_name
        message_values.update(
            {
                "author_id": author_id,
                "author_guest_id": False,
                "email_from": email_from,
                "model": record._name,
                "res_id": record.id,
                "body": escape(body),
                "message_type": message_type,
                "parent_id": first_messages[record.id]
                if first_messages is not None and not parent_id
                else record._message_compute_parent_id(parent_id),
                "subject": subject or False,
                "subtype_id": subtype_id,
                "partner_ids": partner_ids,
            }
        )
        company = record.env.company
        if "record_alias_domain_id" not in message_values:
            message_values["record_alias_domain_id"] = (
                record.sudo()
                ._mail_get_alias_domains(default_company=company)[record.id]
                .id
            )
        if "record_company_id" not in message_values:
            message_values["record_company_id"] = record._mail_get_companies(
                default=company
            )[record.id].id
        if "reply_to" not in message_values:
            message_values["reply_to"] = record._notify_get_reply_to(
                default=email_from
            )[record.id]
        message_values.update(
            record._process_attachments_for_post([], attachment_ids, message_values)
        )
        return record, message_values, notify_values

    @api.model
    def _subscribe_authors(self, prepared):
        """Make each message's real author (the user, else the active
        author) follow its record, as ``message_post`` does: all records of
        one author at once."""
        user = self.env.user
        by_author = defaultdict(list)
        for record, values, _notify in prepared:
            if (
                record.env.context.get("mail_create_nosubscribe")
                or values["message_type"] == "notification"
            ):
                continue
            if user.active:
                author = user.partner_id
            else:
                author = self.env["res.partner"].browse(values["author_id"])
            if author and author.active:
                by_author[author.id].append(record)
        for author_id, records in by_author.items():
            records[0].union(*records)._message_subscribe(partner_ids=[author_id])

    # Notification

    @api.model
    def _notify(self, posted):
        """Notify the messages ``posted`` (``(record, message, message
        values, notification values)``) as ``_notify_thread`` does: inbox
        and web push per message; the emails, the SMS and their
        notifications of all messages created at once."""
        batch = []
        for record, message, values, notify in posted:
            record = record._fallback_lang()
            record._raise_for_invalid_parameters(
                set(notify), restricting_names=record._get_notify_valid_parameters()
            )
            if record._is_notification_scheduled(
                notify.get("scheduled_date")
            ) or notify.get("resend_existing"):
                record._notify_thread(message, values, **notify)
                continue
            batch.append((record, message, values, notify))
        if not batch:
            return
        known = self._recipient_data(batch)
        self._prefetch_customers(batch)
        bulk = self.with_context(collection_thread_history=self._thread_history(batch))
        notified = []
        for record, message, values, notify in batch:
            record = record.with_context(collection_recipient_data=known)
            recipients = record._notify_get_recipients(message, values, **notify)
            if recipients:
                notified.append((record, message, values, notify, recipients))
        self._invite_customers(
            [(record, recipients) for record, _m, _v, _n, recipients in notified]
        )
        emails = []
        texts = []
        pushed = []
        for record, message, values, notify, recipients in notified:
            force_send = record.env.context.get(
                "mail_notify_force_send", notify.get("force_send", True)
            )
            if force_send and any(data["notif"] == "email" for data in recipients):
                # Emails sent at once, as Odoo sends them.
                record._notify_thread(message, values, **notify)
                continue
            # As ``_notify_thread``: the users' partners are known.
            for data in recipients:
                if data["uid"]:
                    user = self.env["res.users"].browse(data["uid"])
                    self.env.cache.insert_missing(
                        user, user._fields["partner_id"], [data["id"]]
                    )
            record._notify_thread_by_inbox(
                message, recipients, msg_vals=values, **notify
            )
            emails += bulk._email_values(record, message, recipients, values, **notify)
            pushed.append((record, message, recipients, values, notify))
            texts += self._sms_values(record, message, recipients, values, **notify)
        self._create_emails(emails)
        self._create_sms(texts)
        self._web_push(pushed)

    @api.model
    def _customers(self, records):
        """The customers of ``records`` (of any models), as the portal's
        notification links name them (``_mail_get_partners``), read at once
        for each model."""
        by_model = defaultdict(list)
        for record in records:
            by_model[record._name].append(record.id)
        Partner = self.env["res.partner"].sudo()
        customers = Partner
        for model, ids in by_model.items():
            found = (
                self.env[model]
                .browse(ids)
                .sudo()
                ._mail_get_partners(introspect_fields=False)
            )
            customers |= Partner.union(*found.values())
        return customers

    @api.model
    def _prefetch_customers(self, batch):
        """Read the records' customers' users at once: each notification
        email's portal link reads its customer's (``portal``'s
        ``_notify_get_recipients_groups``), one query per message."""
        self._customers(record for record, _m, _v, _n in batch).mapped("user_ids")

    @api.model
    def _invite_customers(self, notified):
        """Invite at once the customers that the notification emails of
        ``notified`` (``(record, recipients)``) invite to sign up, when
        customers may sign up (Settings: free sign up). Each email's portal
        link invites its record's customer (``portal``'s
        ``_notify_get_recipients_groups``): a write of the customer, which
        reads its contacts to keep them in step, one customer at a time."""
        if self.env["res.users"].sudo()._get_signup_invitation_scope() != "b2c":
            return
        portal = self.env.registry["portal.mixin"]
        customers = self._customers(
            record
            for record, recipients in notified
            if isinstance(record, portal)
            and any(data["notif"] == "email" for data in recipients)
        )
        # As ``signup_get_auth_param``: customers without a user; those
        # already invited are left as they are (``res.partner.
        # signup_prepare``).
        customers.filtered(
            lambda partner: not partner.user_ids and partner.signup_type != "signup"
        ).signup_prepare()

    @api.model
    def _recipient_data(self, batch):
        """What ``mail.followers._get_recipient_data`` returns for each
        message of ``batch``, by ``(model, record id, message type, subtype
        id, partner ids)``, found for the batch at once: the records'
        followers of each subtype, the partners the messages name, and which
        of those follow which record. ``mail.followers`` serves it to
        ``_notify_get_recipients`` (``collection_recipient_data``)."""
        Followers = self.env["mail.followers"]
        posts = defaultdict(list)
        for record, _message, values, _notify in batch:
            if (
                values["message_type"] == "user_notification"
                or not values["subtype_id"]
            ):
                continue
            posts[record._name, values["message_type"], values["subtype_id"]].append(
                (record.id, tuple(values.get("partner_ids") or ()))
            )
        known = {}
        for (model, message_type, subtype_id), found in posts.items():
            records = self.env[model].browse({record_id for record_id, _p in found})
            named = sorted({pid for _record_id, pids in found for pid in pids})
            followers = Followers._get_recipient_data(records, message_type, subtype_id)
            partners = {}
            following = set()
            if named:
                partners = Followers._get_recipient_data(
                    self.env[model], message_type, subtype_id, named
                )[0]
                following = set(
                    Followers.sudo()._read_group(
                        [
                            ("res_model", "=", model),
                            ("res_id", "in", records.ids),
                            ("partner_id", "in", named),
                        ],
                        ["res_id", "partner_id"],
                    )
                )
                following = {(res_id, partner.id) for res_id, partner in following}
            for record_id, pids in found:
                data = dict(followers[record_id])
                for pid in pids:
                    if pid not in data and pid in partners:
                        data[pid] = dict(
                            partners[pid], is_follower=(record_id, pid) in following
                        )
                known[model, record_id, message_type, subtype_id, pids] = data
        return known

    @api.model
    def _email_values(
        self,
        record,
        message,
        recipients,
        values,
        mail_auto_delete=True,
        model_description=False,
        force_email_company=False,
        force_email_lang=False,
        subtitles=None,
        **_notify,
    ):
        """The notification emails of ``message`` as
        ``_notify_thread_by_email`` makes them, not created yet: a list of
        ``(message, recipient partner ids, mail.mail values)``."""
        partners = [data for data in recipients if data["notif"] == "email"]
        if not partners:
            return []
        base = self._base_mail_values(
            record, message, additional_values={"auto_delete": mail_auto_delete}
        )
        size = (
            int(self.env["ir.config_parameter"].sudo().get_param("mail.batch_size"))
            or 50
        )
        emails = []
        classified = record._notify_get_classified_recipients_iterator(
            message,
            partners,
            msg_vals=values,
            model_description=model_description,
            force_email_company=force_email_company,
            force_email_lang=force_email_lang,
            subtitles=subtitles,
        )
        for _lang, render_values, group in classified:
            body = record._notify_by_email_render_layout(
                message, group, msg_vals=values, render_values=render_values
            )
            for chunk in split_every(size, group.pop("recipients")):
                emails.append(
                    (
                        message,
                        list(chunk),
                        record._notify_by_email_get_final_mail_values(
                            chunk, base, additional_values={"body_html": body}
                        ),
                    )
                )
        return emails

    @api.model
    def _thread_history(self, batch):
        """The messages of the batch's threads that a notification email
        refers to (``_notify_by_email_get_base_mail_values``: those with a
        subtype and a Message-Id), newest first, by ``(model, record id)``:
        found with one search per model, where Odoo searches for each
        email."""
        records = defaultdict(set)
        for record, _message, _values, _notify in batch:
            records[record._name].add(record.id)
        history = defaultdict(lambda: self.env["mail.message"].sudo())
        for model, ids in records.items():
            for message in (
                self.env["mail.message"]
                .sudo()
                .search(
                    [
                        ("model", "=", model),
                        ("res_id", "in", list(ids)),
                        ("subtype_id", "!=", False),
                        ("message_id", "!=", False),
                    ],
                    order="id DESC",
                )
            ):
                history[model, message.res_id] |= message
        return history

    @api.model
    def _base_mail_values(self, record, message, additional_values=None):
        """``record._notify_by_email_get_base_mail_values(message, ...)``,
        with the thread's earlier messages taken from the batch's history
        (``collection_thread_history`` in the context, ``_thread_history``)
        instead of a search per email: the same subject, references and
        headers."""
        history = self.env.context.get("collection_thread_history")
        if history is None:
            return record._notify_by_email_get_base_mail_values(
                message, additional_values=additional_values
            )
        subject = message.subject
        if not subject and record and hasattr(record, "_message_compute_subject"):
            subject = record._message_compute_subject()
        if not subject:
            subject = message.record_name
        if subject:
            # New lines are not allowed in an email header.
            subject = " ".join(subject.splitlines())
        message_sudo = message.sudo()
        # Odoo's search: the 32 newest, then public discussions first, the
        # 3 kept from oldest to newest.
        ancestors = (history[record._name, record.id] - message_sudo)[:32]
        outgoing_types = ("comment", "auto_comment", "email", "email_outgoing")
        ancestors = ancestors.sorted(
            lambda m: (
                not m.is_internal and not m.subtype_id.internal,
                m.message_type in outgoing_types,
                m.message_type != "user_notification",
            ),
            reverse=True,
        )[:3].sorted("id")
        values = {
            "mail_message_id": message.id,
            "references": " ".join(m.message_id for m in (ancestors + message_sudo)),
        }
        if subject != message.subject:
            values["subject"] = subject
        if additional_values:
            values.update(additional_values)
        headers = {}
        if message_sudo.record_alias_domain_id.bounce_email:
            headers["Return-Path"] = message_sudo.record_alias_domain_id.bounce_email
        headers = record._notify_by_email_get_headers(headers=headers)
        if headers:
            values["headers"] = repr(headers)
        return values

    @api.model
    def _create_emails(self, emails):
        """Create the notification ``emails`` (``_email_values``) and their
        notifications, each in one statement; they wait in the mail queue."""
        if not emails:
            return
        context = clean_context(self.env.context)
        mails = (
            self.env["mail.mail"]
            .sudo()
            .with_context(context)
            .create([values for _message, _pids, values in emails])
        )
        self.env["mail.notification"].sudo().with_context(context).create(
            [
                {
                    "author_id": message.author_id.id,
                    "is_read": True,
                    "mail_mail_id": mail.id,
                    "mail_message_id": message.id,
                    "notification_status": "ready",
                    "notification_type": "email",
                    "res_partner_id": pid,
                }
                for (message, pids, _values), mail in zip(emails, mails, strict=True)
                for pid in pids
            ]
        )

    @api.model
    def _sms_values(
        self,
        record,
        message,
        recipients,
        values,
        sms_content=None,
        sms_numbers=None,
        sms_pid_to_number=None,
        put_in_queue=False,
        **_notify,
    ):
        """The SMS of ``message`` as ``sms``'s ``_notify_thread_by_sms``
        makes them, not created yet: a list of ``(message, put in queue,
        sms.sms values)``."""
        sms_pid_to_number = sms_pid_to_number or {}
        body = sms_content or html2plaintext(
            values["body"] if "body" in values else message.body
        )
        base = {"body": body, "mail_message_id": message.id, "state": "outgoing"}
        texts = []
        pids = [data["id"] for data in recipients if data["notif"] == "sms"]
        for partner in self.env["res.partner"].sudo().browse(pids):
            number = (
                sms_pid_to_number.get(partner.id) or partner.mobile or partner.phone
            )
            texts.append(
                dict(
                    base,
                    partner_id=partner.id,
                    number=partner._phone_format(number=number) or number,
                )
            )
        if sms_numbers:
            known = {text["number"] for text in texts}
            for number in sms_numbers:
                number = record._phone_format(number=number) or number
                if number in known:
                    continue
                texts.append(
                    dict(
                        base,
                        partner_id=False,
                        number=number,
                        state="outgoing" if number else "error",
                        failure_type="" if number else "sms_number_missing",
                    )
                )
        return [(message, put_in_queue, text) for text in texts]

    @api.model
    def _create_sms(self, texts):
        """Create the ``texts`` (``_sms_values``) and their notifications,
        each in one statement, then send those not put in the queue at once
        (Odoo sends them message by message)."""
        if not texts:
            return
        sms_all = self.env["sms.sms"].sudo().create([text for *_rest, text in texts])
        self.env["mail.notification"].sudo().create(
            [
                {
                    "author_id": message.author_id.id,
                    "mail_message_id": message.id,
                    "res_partner_id": sms.partner_id.id,
                    "sms_number": sms.number,
                    "notification_type": "sms",
                    "sms_id_int": sms.id,
                    "sms_tracker_ids": [Command.create({"sms_uuid": sms.uuid})]
                    if sms.state == "outgoing"
                    else False,
                    "is_read": True,
                    "notification_status": "ready"
                    if sms.state == "outgoing"
                    else "exception",
                    "failure_type": "" if sms.state == "outgoing" else sms.failure_type,
                }
                for (message, _queue, _text), sms in zip(texts, sms_all, strict=True)
            ]
        )
        now = sms_all.browse(
            sms.id
            for (_message, queue, _text), sms in zip(texts, sms_all, strict=True)
            if not queue and sms.state == "outgoing"
        )
        if now:
            now.send(auto_commit=False, raise_exception=False)

    @api.model
    def _web_push(self, pushed):
        """Web push notifications, as ``_notify_thread_by_web_push`` sends
        them, for the messages whose recipients have a device: the devices
        looked up once for the batch."""
        partners = {}
        for index, (record, message, recipients, values, _notify) in enumerate(pushed):
            partners[index] = set(
                record._extract_partner_ids_for_notifications(
                    message, values, recipients
                )
            )
        named = set().union(*partners.values()) if partners else set()
        if not named:
            return
        with_device = set(
            self.env["mail.push.device"]
            .sudo()
            .search([("partner_id", "in", list(named))])
            .partner_id.ids
        )
        for index, (record, message, recipients, values, notify) in enumerate(pushed):
            if partners[index] & with_device:
                record._notify_thread_by_web_push(message, recipients, values, **notify)

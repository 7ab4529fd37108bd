import { registry } from "@web/core/registry";

/**
 * The customer's side, as a customer goes through it from the link of a
 * reminder email (the Python test, tests/test_portal_tours.py, starts each
 * tour at the link it found in the email the collection run queued, then
 * checks what was recorded).
 */
const tours = registry.category("web_tour.tours");

/** Put the date ``days`` from today in a date input, as a date picker
 * does (the tour's "edit" types text, which a date input does not take). */
function setDateIn(input, days) {
    const date = new Date(Date.now() + days * 86400000);
    input.value = date.toISOString().slice(0, 10);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

tours.add("recouvrement_fidelite_portal_feedback", {
    steps: () => [
        {
            content: "The page of the reminder's link shows the overdue invoice",
            trigger: ".o_portal_collection .o_collection_invoice",
        },
        {
            content: "Tell us why, on the invoice",
            trigger: ".o_collection_invoice .o_collection_invoice_feedback",
            run: "click",
        },
        {
            content: "A billing error",
            trigger: ".o_collection_feedback_form .form-check:contains('Billing error') input[name=reason_id]",
            run: "click",
        },
        {
            content: "Say what is wrong",
            trigger: ".o_collection_feedback_form textarea[name=comment]",
            run: "edit The quantity billed is 12, we received 10.",
        },
        {
            content: "Send",
            trigger: ".o_collection_feedback_send",
            run: "click",
        },
        {
            content: "The customer is told what happens next",
            trigger: ".o_collection_feedback_sent",
        },
    ],
});

tours.add("recouvrement_fidelite_portal_promise", {
    steps: () => [
        {
            content: "Promise to pay, from the page",
            trigger: ".o_collection_promise_link",
            run: "click",
        },
        {
            content: "The overdue invoice is offered",
            trigger: ".o_collection_promise_form input[name=invoice_ids]",
            run(helpers) {
                if (!helpers.anchor.checked) {
                    helpers.anchor.click();
                }
            },
        },
        {
            content: "The date: in a week",
            trigger: ".o_collection_promise_form input[name=date]",
            run(helpers) {
                setDateIn(helpers.anchor, 7);
            },
        },
        {
            content: "Promise",
            trigger: ".o_collection_promise_submit",
            run: "click",
        },
        {
            content: "Thanked on the page, the promise listed",
            trigger: ".o_collection_commitment_done",
        },
        {
            trigger: ".o_collection_promise",
        },
    ],
});

tours.add("recouvrement_fidelite_portal_plan", {
    steps: () => [
        {
            content: "Ask for a payment plan, from the page",
            trigger: ".o_collection_plan_link",
            run: "click",
        },
        {
            content: "Three installments",
            trigger: ".o_collection_plan_form input[name=installments]",
            run: "edit 3",
        },
        {
            content: "Starting in ten days",
            trigger: ".o_collection_plan_form input[name=first_date]",
            run(helpers) {
                setDateIn(helpers.anchor, 10);
            },
        },
        {
            content: "Ask",
            trigger: ".o_collection_plan_submit",
            run: "click",
        },
        {
            content: "The plan shows on the page with its schedule",
            trigger: ".o_collection_plan .o_collection_plan_schedule",
        },
    ],
});

tours.add("recouvrement_fidelite_portal_payment", {
    steps: () => [
        {
            content: "Pay all overdue invoices, without logging in",
            trigger: ".o_collection_pay_overdue",
            run: "click",
        },
        {
            content: "The amount to pay is shown",
            trigger: ".o_collection_pay_page .o_collection_pay_amount",
        },
        {
            content: "Choose the demo provider when a choice is offered",
            trigger: ".o_collection_pay_page form#o_payment_form",
            run() {
                const radio = document.querySelector(
                    "input[name=o_payment_radio][data-provider-code=demo]"
                );
                if (radio && !radio.checked) {
                    radio.click();
                }
            },
        },
        {
            content: "A card number for the demo provider",
            trigger: "input[name=customer_input]",
            run: "edit 4242424242424242",
        },
        {
            content: "Pay",
            trigger: "button[name=o_payment_submit_button]",
            run: "click",
        },
        {
            content: "Back on the collection side, the payment is confirmed",
            trigger: ".o_collection_payment_done",
            timeout: 20000,
        },
    ],
});

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const conditions = ".o_field_collection_rule_conditions";
const actions = ".o_field_collection_rule_actions";

/**
 * From a rule set, open its rule "Tour rule" and edit it with the structured
 * editor only: add a condition on the typology, switch the root group to
 * "any of", add an SMS reminder, save. Then type actions the editor cannot
 * show in the raw JSON (a notice replaces the editor), correct them, come
 * back to the structured editor and save. The Python test checks the JSON.
 */
registry.category("web_tour.tours").add("recouvrement_fidelite_rule_editor", {
    steps: () => [
        {
            content: "Open the rule from its rule set",
            trigger:
                '.o_field_one2many[name=rule_ids] .o_data_row:contains("Tour rule") .o_list_record_open_form_view button',
            run: "click",
        },
        {
            content: "The structured editor shows the stored condition",
            trigger: `${conditions} .o_rf_leaf[data-variable=days_overdue]`,
        },
        {
            content: "Add a condition",
            trigger: `${conditions} .o_rf_add_condition`,
            run: "click",
        },
        {
            content: "Pick the customer typology",
            trigger: `${conditions} .o_rf_leaf:last select.o_rf_variable`,
            run: "select customer_typology",
        },
        {
            content: "The operator fits a choice variable",
            trigger: `${conditions} .o_rf_leaf[data-variable=customer_typology] select.o_rf_operator:has(option[value=does_not_contain])`,
        },
        {
            content: "Pick the typology",
            trigger: `${conditions} .o_rf_leaf[data-variable=customer_typology] select.o_rf_value_select`,
            run: "select tour_late",
        },
        {
            content: "Any of the conditions is enough",
            trigger: `${conditions} .o_rf_kind_any`,
            run: "click",
        },
        {
            content: "Add an action",
            trigger: `${actions} .o_rf_add_action`,
            run: "click",
        },
        {
            content: "Send the reminder by SMS",
            trigger: `${actions} .o_rf_action[data-action=send_reminder] .o_rf_param[data-param=channel] select`,
            run: "select sms",
        },
        ...stepUtils.saveForm(),
        {
            content: "Saved: the editor still shows both conditions",
            trigger: `${conditions} .o_rf_group[data-kind=any] .o_rf_leaf[data-variable=customer_typology]`,
        },
        {
            content: "Edit the actions as raw JSON",
            trigger: `${actions} .o_rf_raw_toggle`,
            run: "click",
        },
        {
            content: "Type an action the engine does not know",
            trigger: `${actions} .o_rf_raw textarea`,
            run: `edit [{"name": "send_reminder", "params": {"channel": "sms"}}, {"name": "send_fax"}]`,
        },
        {
            content: "Leave the text area",
            trigger: ".o_form_view .oe_title",
            run: "click",
        },
        {
            content: "A notice says why the structured editor cannot show it",
            trigger: `${actions} .o_rf_mismatch:contains(send_fax)`,
        },
        {
            content: "The structured editor stays closed meanwhile",
            trigger: `${actions} .o_rf_raw_toggle:disabled`,
        },
        {
            content: "Correct the action",
            trigger: `${actions} .o_rf_raw textarea`,
            run: `edit [{"name": "send_reminder", "params": {"channel": "sms"}}, {"name": "escalate", "params": {"stage": "formal_notice"}}]`,
        },
        {
            content: "Leave the text area again",
            trigger: ".o_form_view .oe_title",
            run: "click",
        },
        {
            content: "Back to the structured editor",
            trigger: `${actions} .o_rf_raw_toggle:enabled`,
            run: "click",
        },
        {
            content: "It shows the corrected action",
            trigger: `${actions} .o_rf_action[data-action=escalate] .o_rf_param[data-param=stage] select`,
        },
        ...stepUtils.saveForm(),
    ],
});

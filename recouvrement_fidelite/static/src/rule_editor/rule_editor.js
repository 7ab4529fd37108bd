/**
 * Structured editors for the conditions and the actions of a collection rule.
 *
 * Two field widgets for the Text fields of `collection.rule`:
 * `collection_rule_conditions` (a tree of "all of" / "any of" groups and
 * conditions) and `collection_rule_actions` (a list of actions with their
 * parameters). Both are built from the engine's catalogue, which they load
 * once from the server in the user's language, and write pretty-printed
 * business-rules JSON back into the field on every change. "Raw JSON" shows
 * the field's plain textarea; JSON the editor cannot show (invalid, unknown
 * variable...) opens there, with the reason, instead of being lost.
 */
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { useRecordObserver } from "@web/model/relational_model/utils";
import { standardFieldProps } from "@web/views/fields/standard_field_props";
import { TextField } from "@web/views/fields/text/text_field";
import { Component, useState } from "@odoo/owl";

import {
    EditorCatalogue,
    EditorMismatch,
    newAction,
    newGroup,
    newLeaf,
    optionLabel,
    optionName,
    defaultParams,
    parseActions,
    parseConditions,
    serializeActions,
    serializeConditions,
    setOperator,
    setVariable,
    toText,
} from "./rule_model";

/**
 * The choices of a select or of checkboxes: the offered options, then the
 * stored values no longer offered (so that nothing is silently dropped).
 */
function choicesWith(catalogue, options, values) {
    const choices = (options || []).map((option) => ({
        value: String(optionName(option)),
        label: optionLabel(option),
    }));
    for (const value of values) {
        if (value !== null && value !== "" && !catalogue.findOption(options, value)) {
            choices.push({ value: String(value), label: _t("%s (unknown)", value) });
        }
    }
    return choices;
}

/** A select's choices, with an empty first choice while nothing is chosen. */
function selectChoices(catalogue, options, value) {
    const choices = choicesWith(catalogue, options, [value]);
    if (value === null || value === undefined || value === "") {
        choices.unshift({ value: "", label: "" });
    }
    return choices;
}

/** The stored value of a select's choice (option names may be numbers). */
function choiceValue(options, text) {
    const option = (options || []).find((o) => String(optionName(o)) === text);
    return option === undefined ? text : optionName(option);
}

function selectedChoice(catalogue, options, value) {
    const option = catalogue.findOption(options, value);
    return option === undefined ? String(value ?? "") : String(optionName(option));
}

function readNumber(text) {
    if (text.trim() === "") {
        return null;
    }
    const number = Number(text);
    return Number.isFinite(number) ? number : null;
}

// Conditions

export class ConditionLeaf extends Component {
    static template = "recouvrement_fidelite.ConditionLeaf";
    static props = {
        node: Object,
        catalogue: Object,
        readonly: Boolean,
        onChange: Function,
        onRemove: Function,
    };

    get variable() {
        return this.props.catalogue.variables[this.props.node.name];
    }
    get operators() {
        return this.props.catalogue.operators(this.props.node.name);
    }
    get operator() {
        return this.props.catalogue.operator(this.props.node.name, this.props.node.operator);
    }
    get choices() {
        const { catalogue, node } = this.props;
        if (this.operator.input_type === "select_multiple") {
            return choicesWith(catalogue, this.variable.options, node.value || []);
        }
        return selectChoices(catalogue, this.variable.options, node.value);
    }
    get selectedChoice() {
        return selectedChoice(this.props.catalogue, this.variable.options, this.props.node.value);
    }
    isChecked(choice) {
        const values = this.props.node.value || [];
        return values.some((value) => String(value).toLowerCase() === choice.value.toLowerCase());
    }

    onVariableChange(ev) {
        setVariable(this.props.node, ev.target.value, this.props.catalogue);
        this.props.onChange();
    }
    onOperatorChange(ev) {
        setOperator(this.props.node, ev.target.value, this.props.catalogue);
        this.props.onChange();
    }
    onNumberChange(ev) {
        this.props.node.value = readNumber(ev.target.value);
        this.props.onChange();
    }
    onTextChange(ev) {
        this.props.node.value = ev.target.value;
        this.props.onChange();
    }
    onSelectChange(ev) {
        this.props.node.value = choiceValue(this.variable.options, ev.target.value);
        this.props.onChange();
    }
    onCheckboxChange(choice, ev) {
        const options = this.variable.options;
        const values = (this.props.node.value || []).filter(
            (value) => String(value).toLowerCase() !== choice.value.toLowerCase()
        );
        if (ev.target.checked) {
            values.push(choiceValue(options, choice.value));
        }
        // Keep the catalogue's order, so the JSON does not depend on click order.
        const order = (value) =>
            options.findIndex((o) => String(optionName(o)).toLowerCase() === String(value).toLowerCase());
        this.props.node.value = values.sort((a, b) => order(a) - order(b));
        this.props.onChange();
    }
}

export class ConditionGroup extends Component {
    static template = "recouvrement_fidelite.ConditionGroup";
    static props = {
        node: Object,
        catalogue: Object,
        readonly: Boolean,
        onChange: Function,
        onRemove: { type: Function, optional: true },
        depth: Number,
    };

    setKind(kind) {
        if (this.props.node.kind !== kind) {
            this.props.node.kind = kind;
            this.props.onChange();
        }
    }
    addCondition() {
        this.props.node.children.push(newLeaf(this.props.catalogue));
        this.props.onChange();
    }
    addGroup() {
        // "Any of" inside "all of" (and the reverse) is what nesting is for.
        const kind = this.props.node.kind === "all" ? "any" : "all";
        this.props.node.children.push(newGroup(kind, [newLeaf(this.props.catalogue)]));
        this.props.onChange();
    }
    removeChild(child) {
        const children = this.props.node.children;
        children.splice(children.indexOf(child), 1);
        this.props.onChange();
    }
}
ConditionGroup.components = { ConditionGroup, ConditionLeaf };

// Actions

export class ActionItem extends Component {
    static template = "recouvrement_fidelite.ActionItem";
    static props = {
        node: Object,
        catalogue: Object,
        readonly: Boolean,
        onChange: Function,
        onRemove: Function,
    };

    get action() {
        return this.props.catalogue.actions[this.props.node.name];
    }
    get optionalPlaceholder() {
        return _t("optional");
    }
    choices(spec) {
        return selectChoices(this.props.catalogue, spec.options, this.props.node.params[spec.name]);
    }
    selectedChoice(spec) {
        return selectedChoice(this.props.catalogue, spec.options, this.props.node.params[spec.name]);
    }
    numberValue(spec) {
        const value = this.props.node.params[spec.name];
        return value === null || value === undefined ? "" : String(value);
    }

    onActionChange(ev) {
        this.props.node.name = ev.target.value;
        this.props.node.params = defaultParams(this.action);
        this.props.onChange();
    }
    onParamChange(spec, ev) {
        let value = ev.target.value;
        if (spec.fieldType === "numeric") {
            value = readNumber(value);
        } else if (spec.fieldType === "select") {
            value = choiceValue(spec.options, value);
        }
        this.props.node.params[spec.name] = value;
        this.props.onChange();
    }
}

// Field widgets

/**
 * What both widgets share: catalogue loading, parsing the field's JSON into
 * an editable model, writing it back, the raw JSON mode and the fallback.
 * Subclasses define `parse(text, catalogue)` and `serialize(model, catalogue)`.
 */
class RuleJsonField extends Component {
    static props = { ...standardFieldProps };
    static components = { TextField };

    setup() {
        this.orm = useService("orm");
        this.state = useState({
            catalogue: null,
            model: null,
            raw: false,
            mismatch: "",
        });
        // The text this widget last wrote or parsed: a record update bringing
        // the same text back needs no new parse (which would reset the ids).
        this.syncedText = undefined;
        this.companyId = undefined;
        useRecordObserver(async (record) => {
            const text = record.data[this.props.name] || "";
            const company = record.data.company_id;
            const companyId = (Array.isArray(company) ? company[0] : company?.id) || false;
            if (!this.state.catalogue || companyId !== this.companyId) {
                this.companyId = companyId;
                const data = await this.orm.call("collection.rule", "get_editor_catalogue", [], {
                    company_id: companyId,
                });
                this.state.catalogue = new EditorCatalogue(data);
                this.syncedText = undefined;
            }
            this.sync(text);
        });
    }

    sync(text) {
        if (text === this.syncedText) {
            return;
        }
        this.syncedText = text;
        try {
            this.state.model = this.parse(text, this.state.catalogue);
            this.state.mismatch = "";
        } catch (error) {
            if (!(error instanceof EditorMismatch)) {
                throw error;
            }
            this.state.model = null;
            this.state.mismatch = error.message;
            this.state.raw = true;
        }
    }

    /** Write the edited model into the field. */
    commit() {
        const text = toText(this.serialize(this.state.model, this.state.catalogue));
        this.syncedText = text;
        return this.props.record.update({ [this.props.name]: text });
    }

    async toggleRaw() {
        if (!this.state.raw) {
            this.state.raw = true;
            return;
        }
        // The textarea commits its text on blur: let that update land first.
        await this.props.record.model.mutex.getUnlockedDef();
        this.sync(this.props.record.data[this.props.name] || "");
        if (!this.state.mismatch) {
            this.state.raw = false;
        }
    }

    get textFieldProps() {
        const { id, name, readonly, record } = this.props;
        return { id, name, readonly, record, rowCount: 8 };
    }
}

export class RuleConditionsField extends RuleJsonField {
    static template = "recouvrement_fidelite.RuleConditionsField";
    static components = { ...RuleJsonField.components, ConditionGroup };

    parse(text, catalogue) {
        return parseConditions(text, catalogue);
    }
    serialize(model) {
        return serializeConditions(model);
    }
}

export class RuleActionsField extends RuleJsonField {
    static template = "recouvrement_fidelite.RuleActionsField";
    static components = { ...RuleJsonField.components, ActionItem };

    parse(text, catalogue) {
        return parseActions(text, catalogue);
    }
    serialize(model, catalogue) {
        return serializeActions(model, catalogue);
    }
    addAction() {
        this.state.model.push(newAction(this.state.catalogue, "send_reminder"));
        this.commit();
    }
    removeAction(item) {
        this.state.model.splice(this.state.model.indexOf(item), 1);
        this.commit();
    }
}

registry.category("fields").add("collection_rule_conditions", {
    component: RuleConditionsField,
    displayName: _t("Collection rule conditions"),
    supportedTypes: ["text"],
});
registry.category("fields").add("collection_rule_actions", {
    component: RuleActionsField,
    displayName: _t("Collection rule actions"),
    supportedTypes: ["text"],
});

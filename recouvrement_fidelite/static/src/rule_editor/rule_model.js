/**
 * The rule editor's model: business-rules JSON <-> editable trees.
 *
 * Conditions become a tree of groups ({type: "group", kind: "all"|"any",
 * children}) and leaves ({type: "leaf", name, operator, value}); actions a
 * list of {name, params}. Every node has an `id` for OWL's t-key. Parsing is
 * strict about structure (known variables, operators of the variable's type,
 * known actions and parameters, values of the right kind) and raises
 * `EditorMismatch` with a readable reason when the JSON cannot be shown
 * faithfully; the widget then falls back to the raw JSON. Values the engine
 * would refuse but the editor can show (an empty group, a choice that is no
 * longer offered, an empty required text) are kept as they are: the engine
 * says what is wrong when the rule is saved.
 */
import { _t } from "@web/core/l10n/translation";

export class EditorMismatch extends Error {}

let lastId = 0;
const newId = () => ++lastId;

const LEAF_KEYS = ["name", "operator", "value"];
const ACTION_KEYS = ["name", "params"];

function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isScalarChoice(value) {
    return typeof value === "string" || (typeof value === "number" && isFinite(value));
}

function describe(value) {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function optionName(option) {
    return isObject(option) ? option.name : option;
}

export function optionLabel(option) {
    return isObject(option) ? option.label || String(option.name) : String(option);
}

function sameChoice(a, b) {
    if (typeof a === "string" && typeof b === "string") {
        return a.toLowerCase() === b.toLowerCase();
    }
    return a === b;
}

/** The catalogue of `collection.rule.get_editor_catalogue`, indexed. */
export class EditorCatalogue {
    constructor(data) {
        const byLabel = (a, b) => String(a.label).localeCompare(String(b.label));
        this.variables = Object.fromEntries(data.variables.map((v) => [v.name, v]));
        this.variableList = [...data.variables].sort(byLabel);
        this.operatorsByType = data.variable_type_operators;
        this.actions = Object.fromEntries(data.actions.map((a) => [a.name, a]));
        this.actionList = [...data.actions].sort(byLabel);
    }

    operators(variableName) {
        const variable = this.variables[variableName];
        return (variable && this.operatorsByType[variable.field_type]) || [];
    }

    operator(variableName, operatorName) {
        return this.operators(variableName).find((op) => op.name === operatorName);
    }

    /** The offered choice matching `value` (any case, like the engine), or undefined. */
    findOption(options, value) {
        return (options || []).find((option) => sameChoice(optionName(option), value));
    }
}

// Values

function valueFits(value, inputType) {
    switch (inputType) {
        case "numeric":
            return value === null || (typeof value === "number" && isFinite(value));
        case "text":
            return value === null || typeof value === "string";
        case "select":
            return value === null || isScalarChoice(value);
        case "select_multiple":
            return Array.isArray(value) && value.every(isScalarChoice);
        default:
            return value === null || value === undefined || value === "";
    }
}

/** A value to start with for an input type. */
export function defaultValue(inputType, options) {
    switch (inputType) {
        case "numeric":
            return 0;
        case "text":
            return "";
        case "select":
            return options && options.length ? optionName(options[0]) : "";
        case "select_multiple":
            return [];
        default:
            return null;
    }
}

// Conditions

function parseJson(text) {
    try {
        return JSON.parse(text);
    } catch (error) {
        throw new EditorMismatch(_t("this is not valid JSON (%s)", error.message));
    }
}

function conditionNode(data, catalogue) {
    if (!isObject(data)) {
        throw new EditorMismatch(_t("a condition must be an object, not %s", describe(data)));
    }
    const keys = Object.keys(data);
    if ("all" in data || "any" in data) {
        if (keys.length !== 1) {
            throw new EditorMismatch(
                _t('a group holds exactly one key, "all" or "any"; found: %s', keys.join(", "))
            );
        }
        const kind = keys[0];
        if (!Array.isArray(data[kind])) {
            throw new EditorMismatch(_t('"%s" must hold a list of conditions', kind));
        }
        return {
            id: newId(),
            type: "group",
            kind,
            children: data[kind].map((child) => conditionNode(child, catalogue)),
        };
    }
    const unknown = keys.filter((key) => !LEAF_KEYS.includes(key));
    if (unknown.length) {
        throw new EditorMismatch(_t("unknown key %s in a condition", describe(unknown[0])));
    }
    const variable = catalogue.variables[data.name];
    if (!variable) {
        throw new EditorMismatch(_t("unknown variable %s", describe(data.name)));
    }
    const operator = catalogue.operator(data.name, data.operator);
    if (!operator) {
        throw new EditorMismatch(
            _t("the operator %(operator)s cannot be used with “%(variable)s”", {
                operator: describe(data.operator),
                variable: variable.label,
            })
        );
    }
    const value = data.value === undefined ? null : data.value;
    if (!valueFits(value, operator.input_type)) {
        throw new EditorMismatch(
            _t("the value %(value)s does not fit “%(variable)s %(operator)s”", {
                value: describe(value),
                variable: variable.label,
                operator: operator.label,
            })
        );
    }
    return { id: newId(), type: "leaf", name: data.name, operator: operator.name, value };
}

/** The editable tree of stored conditions; the root is always a group. */
export function parseConditions(text, catalogue) {
    const node = conditionNode(parseJson(text), catalogue);
    return node.type === "group" ? node : { id: newId(), type: "group", kind: "all", children: [node] };
}

export function serializeConditions(node) {
    if (node.type === "group") {
        return { [node.kind]: node.children.map(serializeConditions) };
    }
    return { name: node.name, operator: node.operator, value: node.value ?? null };
}

export function newGroup(kind, children = []) {
    return { id: newId(), type: "group", kind, children };
}

/** A new condition: "Days overdue", its type's first operator, a default value. */
export function newLeaf(catalogue) {
    const variable = catalogue.variables.days_overdue || catalogue.variableList[0];
    const leaf = { id: newId(), type: "leaf", name: variable.name, operator: null, value: null };
    setVariable(leaf, variable.name, catalogue);
    return leaf;
}

/** Change a condition's variable, keeping operator and value when they still fit. */
export function setVariable(leaf, name, catalogue) {
    leaf.name = name;
    const variable = catalogue.variables[name];
    const operators = catalogue.operators(name);
    let operator = operators.find((op) => op.name === leaf.operator);
    if (!operator) {
        operator = operators[0];
        leaf.operator = operator.name;
        leaf.value = defaultValue(operator.input_type, variable.options);
        return;
    }
    const options = variable.options || [];
    const offered = (value) => !options.length || Boolean(catalogue.findOption(options, value));
    let fits = valueFits(leaf.value, operator.input_type);
    if (fits && operator.input_type === "select") {
        fits = offered(leaf.value);
    } else if (fits && operator.input_type === "select_multiple") {
        fits = leaf.value.every(offered);
    }
    if (!fits) {
        leaf.value = defaultValue(operator.input_type, options);
    }
}

/** Change a condition's operator; the value is reset when its kind changes. */
export function setOperator(leaf, operatorName, catalogue) {
    const before = catalogue.operator(leaf.name, leaf.operator);
    const after = catalogue.operator(leaf.name, operatorName);
    leaf.operator = operatorName;
    if (!before || before.input_type !== after.input_type) {
        leaf.value = defaultValue(after.input_type, catalogue.variables[leaf.name].options);
    }
}

// Actions

function paramFits(value, spec) {
    if (value === null) {
        return true;
    }
    if (spec.fieldType === "numeric") {
        return typeof value === "number" && isFinite(value);
    }
    if (spec.fieldType === "select") {
        return isScalarChoice(value);
    }
    return typeof value === "string";
}

/** The editable list of stored actions. */
export function parseActions(text, catalogue) {
    const data = parseJson(text);
    if (!Array.isArray(data)) {
        throw new EditorMismatch(_t("the actions must be a list, not %s", describe(data)));
    }
    return data.map((item) => {
        if (!isObject(item)) {
            throw new EditorMismatch(_t("an action must be an object, not %s", describe(item)));
        }
        const unknown = Object.keys(item).filter((key) => !ACTION_KEYS.includes(key));
        if (unknown.length) {
            throw new EditorMismatch(_t("unknown key %s in an action", describe(unknown[0])));
        }
        const action = catalogue.actions[item.name];
        if (!action) {
            throw new EditorMismatch(_t("unknown action %s", describe(item.name)));
        }
        const params = item.params ?? {};
        if (!isObject(params)) {
            throw new EditorMismatch(
                _t("the parameters of “%s” must be an object", action.label)
            );
        }
        for (const [name, value] of Object.entries(params)) {
            const spec = action.params.find((p) => p.name === name);
            if (!spec) {
                throw new EditorMismatch(
                    _t("unknown parameter %(param)s for “%(action)s”", {
                        param: describe(name),
                        action: action.label,
                    })
                );
            }
            if (!paramFits(value, spec)) {
                throw new EditorMismatch(
                    _t("the value %(value)s does not fit “%(param)s” of “%(action)s”", {
                        value: describe(value),
                        param: spec.label,
                        action: action.label,
                    })
                );
            }
        }
        return { id: newId(), name: item.name, params: { ...params } };
    });
}

/**
 * Stored actions. Required parameters are written as they are (the engine
 * explains an empty one); optional parameters left empty are left out, so
 * the engine applies their defaults.
 */
export function serializeActions(actions, catalogue) {
    return actions.map((item) => {
        const params = {};
        for (const spec of catalogue.actions[item.name].params) {
            const value = item.params[spec.name];
            if (value === undefined || (!spec.required && (value === null || value === ""))) {
                continue;
            }
            params[spec.name] = value;
        }
        return { name: item.name, params };
    });
}

/** Parameters to start an action with: required ones filled in when possible. */
export function defaultParams(action) {
    const params = {};
    for (const spec of action.params) {
        if (!spec.required) {
            continue;
        }
        if (spec.fieldType === "numeric") {
            params[spec.name] = spec.min ?? 0;
        } else if (spec.fieldType === "select") {
            params[spec.name] = defaultValue("select", spec.options);
        } else {
            params[spec.name] = "";
        }
    }
    return params;
}

export function newAction(catalogue, name) {
    const action = catalogue.actions[name] || catalogue.actionList[0];
    return { id: newId(), name: action.name, params: defaultParams(action) };
}

/** Pretty-printed JSON, as stored in the field. */
export function toText(data) {
    return JSON.stringify(data, null, 2);
}

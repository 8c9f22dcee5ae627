package dev.alerthub.probe;

/** The two probe shapes, each a route template in routes/probes/templates.camel.yaml. */
public enum ProbeKind {
    PROMQL("promql-probe", "probes-promql"), SQL("sql-probe", "probes-sql");

    private final String template;
    private final String group;

    ProbeKind(String template, String group) {
        this.template = template;
        this.group = group;
    }

    /** The route group the template gives its routes: how a probe route is recognised (and shown in JMX). */
    public String group() {
        return group;
    }

    public static ProbeKind ofGroup(String group) {
        for (ProbeKind k : values()) {
            if (k.group.equals(group)) {
                return k;
            }
        }
        return null;
    }

    /** The id of the route template a probe file refers to with {@code routeTemplateRef}. */
    public String template() {
        return template;
    }

    /** The kind for a route template id, or null when the template is not a probe template. */
    public static ProbeKind ofTemplate(String templateId) {
        for (ProbeKind k : values()) {
            if (k.template.equals(templateId)) {
                return k;
            }
        }
        return null;
    }
}

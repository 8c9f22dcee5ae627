package dev.alerthub.ops.validate;

import dev.alerthub.config.Suggestions;
import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.RouteTemplateParameterDefinition;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Camel ignores a {@code templatedRoute} parameter the template does not declare, so a misspelt
 * optional parameter silently falls back to its default. Here it is an error, with the likely
 * intended name.
 */
public final class TemplateParameterCheck implements RouteFileCheck {

    @Override
    public List<Problem> check(RouteFile file, CamelContext validation) {
        List<Problem> problems = new ArrayList<>();
        ModelCamelContext model = (ModelCamelContext) validation;
        for (RouteFile.TemplatedRoute tr : file.templatedRoutes()) {
            if (tr.templateRef() == null) {
                problems.add(new Problem(file.path(), tr.line(), "templatedRoute without routeTemplateRef"));
                continue;
            }
            RouteTemplateDefinition template = model.getRouteTemplateDefinition(tr.templateRef());
            if (template == null) {
                problems.add(new Problem(file.path(), tr.line(), "unknown route template '" + tr.templateRef()
                        + "'" + suggestion(tr.templateRef(), model.getRouteTemplateDefinitions().stream()
                        .map(RouteTemplateDefinition::getId).collect(Collectors.toSet()))));
                continue;
            }
            List<RouteTemplateParameterDefinition> declared = template.getTemplateParameters() == null
                    ? List.of() : template.getTemplateParameters();
            Set<String> names = declared.stream().map(RouteTemplateParameterDefinition::getName)
                    .collect(Collectors.toSet());
            Set<String> given = tr.parameters().stream().map(RouteFile.Parameter::name).collect(Collectors.toSet());
            for (RouteFile.Parameter p : tr.parameters()) {
                if (!names.contains(p.name())) {
                    problems.add(new Problem(file.path(), p.line(), "route template '" + tr.templateRef()
                            + "' has no parameter '" + p.name() + "'" + suggestion(p.name(), names)));
                }
            }
            for (RouteTemplateParameterDefinition d : declared) {
                if (d.isRequired() && d.getDefaultValue() == null && !given.contains(d.getName())) {
                    problems.add(new Problem(file.path(), tr.line(), "route template '" + tr.templateRef()
                            + "' needs parameter '" + d.getName() + "'"));
                }
            }
        }
        return problems;
    }

    /** "; did you mean 'x'?" for the closest known name, else "". */
    static String suggestion(String wrong, Set<String> known) {
        return Suggestions.closest(wrong, known).map(k -> "; did you mean '" + k + "'?").orElse("");
    }
}

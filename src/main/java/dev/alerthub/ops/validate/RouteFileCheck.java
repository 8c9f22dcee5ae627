package dev.alerthub.ops.validate;

import org.apache.camel.CamelContext;

import java.util.List;

/**
 * A check of one route file beyond what Camel's loader finds (semantic rules of a capability, such as
 * a probe's parameters). Built-in checks run always; a capability adds its own by binding an
 * implementation in its CamelConfiguration ({@code registry.bind("probeFileCheck", check)}): the
 * validator finds every bean of this type, for {@code alerthub validate} and before a reload alike.
 */
@FunctionalInterface
public interface RouteFileCheck {
    /**
     * @param file       the file, parsed, with line lookups
     * @param validation the validation context holding every file's routes and templates (never started)
     */
    List<Problem> check(RouteFile file, CamelContext validation);
}

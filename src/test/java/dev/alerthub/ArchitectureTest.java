package dev.alerthub;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layers of docs/architecture.md, held: imports point down only, packages form no cycle, the
 * store knows nothing of HTTP, and HTTP status codes are chosen at the HTTP edge alone.
 */
@AnalyzeClasses(packages = "dev.alerthub", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String ROOT = "dev.alerthub";

    /** AlerthubMain, HubConfiguration and every {@code *Configuration} (with its nested classes). */
    static final DescribedPredicate<JavaClass> WIRING = new DescribedPredicate<>(
            "the wiring (classes of package dev.alerthub and *Configuration classes)") {
        @Override
        public boolean test(JavaClass c) {
            String outer = c.getName().split("\\$", 2)[0];
            return c.getPackageName().equals(ROOT) || outer.endsWith("Configuration");
        }
    };

    static DescribedPredicate<JavaClass> in(String... packages) {
        return new DescribedPredicate<>("in " + String.join(", ", packages) + " (not wiring)") {
            @Override
            public boolean test(JavaClass c) {
                if (WIRING.test(c)) {
                    return false;
                }
                for (String p : packages) {
                    String pkg = ROOT + "." + p;
                    if (c.getPackageName().equals(pkg) || c.getPackageName().startsWith(pkg + ".")) {
                        return true;
                    }
                }
                return false;
            }
        };
    }

    static final ArchRule IMPORTS_POINT_DOWN_THE_LAYERS = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .ensureAllClassesAreContainedInArchitecture()
            .layer("Model").definedBy(in("alert", "config", "metrics"))
            .layer("Store").definedBy(in("store"))
            .layer("Capabilities").definedBy(in("intake", "route", "notify", "probe", "remediate", "diagnose", "kube",
                    "lifecycle"))
            .layer("Edge").definedBy(in("admin", "ops"))
            .layer("Wiring").definedBy(WIRING)
            .whereLayer("Wiring").mayNotBeAccessedByAnyLayer()
            .whereLayer("Edge").mayOnlyBeAccessedByLayers("Wiring")
            .whereLayer("Capabilities").mayOnlyBeAccessedByLayers("Edge", "Wiring")
            .whereLayer("Store").mayOnlyBeAccessedByLayers("Capabilities", "Edge", "Wiring")
            .whereLayer("Model").mayOnlyBeAccessedByLayers("Store", "Capabilities", "Edge", "Wiring");

    @ArchTest
    static void importsPointDownTheLayers(JavaClasses hub) {
        IMPORTS_POINT_DOWN_THE_LAYERS.check(hub);
    }

    static final ArchRule PACKAGES_FORM_NO_CYCLE = slices().matching("dev.alerthub.(*)..")
            .should().beFreeOfCycles();

    @ArchTest
    static void packagesFormNoCycle(JavaClasses hub) {
        PACKAGES_FORM_NO_CYCLE.check(hub);
    }

    static final ArchRule THE_STORE_KNOWS_NOTHING_OF_HTTP = noClasses().that().resideInAPackage("dev.alerthub.store..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.camel.http..",
                    "org.apache.camel.component.http..", "org.apache.camel.component.platform.http..",
                    "io.vertx..", "java.net.http..")
            .orShould().dependOnClassesThat().haveNameMatching("dev\\.alerthub\\.(intake|admin)\\..*");

    @ArchTest
    static void theStoreKnowsNothingOfHttp(JavaClasses hub) {
        THE_STORE_KNOWS_NOTHING_OF_HTTP.check(hub);
    }

    static final ArchRule STATUS_CODES_ARE_CHOSEN_AT_THE_HTTP_EDGE_ONLY = noClasses()
            .that().resideOutsideOfPackages("dev.alerthub.intake..", "dev.alerthub.admin..")
            .should().dependOnClassesThat().haveFullyQualifiedName("dev.alerthub.intake.HttpProblem");

    @ArchTest
    static void statusCodesAreChosenAtTheHttpEdgeOnly(JavaClasses hub) {
        STATUS_CODES_ARE_CHOSEN_AT_THE_HTTP_EDGE_ONLY.check(hub);
    }

    static final ArchRule MICROMETER_STAYS_BEHIND_THE_METRICS_INTERFACE = noClasses()
            .that().resideInAnyPackage("dev.alerthub.alert..", "dev.alerthub.store..", "dev.alerthub.intake..",
                    "dev.alerthub.route..", "dev.alerthub.notify..", "dev.alerthub.probe..",
                    "dev.alerthub.remediate..", "dev.alerthub.diagnose..", "dev.alerthub.kube..",
                    "dev.alerthub.lifecycle..")
            .and(DescribedPredicate.not(WIRING))
            .should().dependOnClassesThat().resideInAPackage("io.micrometer..");

    @ArchTest
    static void micrometerStaysBehindTheMetricsInterface(JavaClasses hub) {
        MICROMETER_STAYS_BEHIND_THE_METRICS_INTERFACE.check(hub);
    }
}

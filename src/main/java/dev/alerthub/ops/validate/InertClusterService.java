package dev.alerthub.ops.validate;

import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.support.service.ServiceSupport;

import java.util.Collection;
import java.util.List;

/**
 * Lets {@code master:} endpoints be created in the validation context (the master component
 * insists on a cluster service) without taking part in the hub's leader election.
 */
final class InertClusterService extends ServiceSupport implements CamelClusterService {
    private CamelContext context;
    private String id = "alerthub-validate";

    @Override
    public CamelClusterView getView(String namespace) {
        throw new UnsupportedOperationException("validation never runs leader-only routes");
    }

    @Override
    public void releaseView(CamelClusterView view) {
    }

    @Override
    public Collection<String> getNamespaces() {
        return List.of();
    }

    @Override
    public void startView(String namespace) {
    }

    @Override
    public void stopView(String namespace) {
    }

    @Override
    public boolean isLeader(String namespace) {
        return false;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.context = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public void setId(String id) {
        this.id = id;
    }
}

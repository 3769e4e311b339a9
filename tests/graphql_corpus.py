"""Operation files written for each GraphQL schema of ``../shared/realworld``, keyed by file-name start.

The real-world schemas come without operations, so these are ours: root fields with arguments,
nested selections, lists, a Relay connection where the schema has one, and a fragment on an
interface or union where it has one. `tests/test_codegen_graphql.py` renders a connector from
each schema with them, and `benchmarks/render.py` times those renders.
"""

from __future__ import annotations

__all__ = ["OPERATIONS"]

OPERATIONS: dict[str, dict[str, str]] = {
    "swapi.dev": {
        "films.graphql": """
            query FilmTitle($id: ID) {
              film(id: $id) { title episodeID releaseDate producers }
            }
            query AllPeople($first: Int, $after: String) {
              allPeople(first: $first, after: $after) {
                pageInfo { hasNextPage endCursor }
                totalCount
                edges { cursor node { ...PersonBits homeworld { name } } }
              }
            }
            fragment PersonBits on Person { id name birthYear }
        """,
        "nodes.graphql": """
            query NodeById($id: ID!) {
              node(id: $id) { __typename id ... on Person { name height } ... on Planet { name population } }
            }
            query NodeTitle($id: ID!) {
              thing: node(id: $id) { id ... on Film { title } }
            }
        """,
    },
    "spacex.land": {
        "launches.graphql": """
            query PastLaunches($limit: Int, $offset: Int, $find: LaunchFind) {
              launchesPast(limit: $limit, offset: $offset, find: $find) {
                id
                mission_name
                launch_date_utc
                launch_success
                rocket { rocket_name rocket { id name } }
                links { article_link video_link }
                ships { name home_port }
              }
            }
            query Company { company { name ceo headquarters { city state } } }
            query CapsuleById($id: ID!) { capsule(id: $id) { ...CapsuleParts missions { name flight } } }
            fragment CapsuleParts on Capsule { id status original_launch reuse_count }
        """,
    },
    "snapshot.org": {
        "governance.graphql": """
            query Spaces($first: Int!, $skip: Int!, $where: SpaceWhere, $direction: OrderDirection) {
              spaces(first: $first, skip: $skip, where: $where, orderBy: "created", orderDirection: $direction) {
                id name network admins strategies { name network params }
              }
            }
            query ProposalById($id: String!) {
              proposal(id: $id) { id title choices scores state plugins space { id name } }
            }
            query Votes($first: Int!, $where: VoteWhere) {
              votes(first: $first, where: $where) { id voter choice vp created }
            }
        """,
    },
    "braintreepayments.com": {
        "payments.graphql": """
            query Ping { ping }
            query Locations($first: Int, $after: String) {
              inStoreLocations(first: $first, after: $after) {
                pageInfo { hasNextPage endCursor }
                edges { node { id name internalName } }
              }
            }
            query SearchTransactions($input: TransactionSearchInput!, $first: Int, $after: String) {
              search {
                transactions(input: $input, first: $first, after: $after) {
                  pageInfo { hasNextPage endCursor }
                  edges {
                    node {
                      id
                      createdAt
                      status
                      amount { value currencyCode }
                      paymentMethodSnapshot {
                        __typename
                        ...CardSnapshot
                        ... on PayPalTransactionDetails { payerStatus }
                      }
                    }
                  }
                }
              }
            }
            fragment CardSnapshot on CreditCardDetails { brandCode last4 expirationMonth }
        """,
        "nodes.graphql": """
            query NodeById($id: ID!) {
              node(id: $id) { __typename id ... on Transaction { orderId } ... on Customer { email } }
            }
            mutation CaptureTransaction($input: CaptureTransactionInput!) {
              captureTransaction(input: $input) { transaction { id status } }
            }
        """,
    },
}

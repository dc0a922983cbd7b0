import Testing
@testable import EdgeZoo

/// Resolving `zoo:` references: parameters, defaults and the errors users see.
@Suite struct ZooReferenceTests {
    @Test func unknownIdSuggestsNearest() throws {
        #expect(Zoo.editDistance(Array("mobilenet_v2"), Array("mobilenet_v3")) == 1)
        #expect(Zoo.editDistance(Array("kitten"), Array("sitting")) == 3)
        #expect(throws: ZooError.self) { try Zoo.resolve("zoo:definitely-not-a-model-xyz") }
    }

    @Test func malformedReferenceIsRejected() {
        #expect(throws: ZooError.malformedReference("zoo:")) { try Zoo.resolve("zoo:") }
    }

    @Test func errorMessagesAreOneLine() {
        let errors: [ZooError] = [
            .unknownModel(id: "resnet5", suggestion: "resnet50"),
            .unknownParameter(id: "resnet50", key: "widht", valid: ["input", "classes"]),
            .badValue(id: "mobilenet_v2", key: "width", value: "-1", expected: "a number in 0.1…2.0"),
        ]
        for e in errors { #expect(!e.description.contains("\n")) }
        #expect(errors[0].description == "unknown catalog model 'resnet5'; did you mean 'resnet50'?")
    }
}

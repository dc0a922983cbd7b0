import EdgeIR

extension Zoo {
    /// Catalog entries of this family group, in listing order: speech (Whisper) and language encoders.
    static let sequenceEntries: [ZooEntry] = [
        whisper("whisper-tiny", .tiny, "Whisper tiny (39 M class): 4+4 layers, d 384, 30 s log-mel encoder + text decoder",
                PublishedFigure(parameters: 37_800_000,
                                source: "Hugging Face openai/whisper-tiny, model size 37.8M params (the paper's Table 1 rounds to 39 M)")),
        whisper("whisper-base", .base, "Whisper base (74 M class): 6+6 layers, d 512, 30 s log-mel encoder + text decoder",
                PublishedFigure(parameters: 72_600_000,
                                source: "Hugging Face openai/whisper-base, model size 72.6M params (the paper's Table 1 rounds to 74 M)")),
        bert("bert-tiny", .tiny, "BERT-Tiny (L 2, H 128, A 2) encoder with pooler",
             PublishedFigure(parameters: 4_430_000 - 47_548,
                             source: "Hugging Face google/bert_uncased_L-2_H-128_A-2, 4.43M params with the MLM/NSP "
                                + "pre-training heads (47,548 of them, by hand); Turc et al. 2019")),
        bert("bert-base", .base, "BERT-Base uncased (L 12, H 768, A 12) encoder with pooler",
             PublishedFigure(parameters: 110_000_000, gmacs: 11.25,
                             source: "Devlin et al. 2019: 110M params; Sun et al. 2020 (MobileBERT), GLUE results table: BERT-Base 22.5B FLOPs at "
                                + "sequence 128 (= 11.25 GMACs)")),
        bert("bert-large", .large, "BERT-Large uncased (L 24, H 1024, A 16) encoder with pooler",
             PublishedFigure(parameters: 336_000_000,
                             source: "Hugging Face google-bert/bert-large-uncased model card: 336M parameters "
                                + "(Devlin et al. 2019 round to 340M)")),
        bert("distilbert", .distilBase, "DistilBERT base uncased (6 layers, H 768) encoder",
             PublishedFigure(parameters: 66_000_000, source: "Sanh et al. 2019 (DistilBERT), Table 3: 66M parameters")),
        ZooEntry(id: "mobilebert", family: "BERT", task: .language,
                 summary: "MobileBERT uncased (24 bottleneck layers, 512/128, 4 stacked FFNs) encoder with pooler",
                 parameters: languageParameters,
                 published: PublishedFigure(parameters: 25_300_000,
                                            source: "Sun et al. 2020 (MobileBERT), GLUE results table: 25.3M params, 5.7B FLOPs at "
                                                + "sequence 128; the released config gives 24.84M (see SequenceCatalogTests)")) { a in
            try MobileBERT.build(sequence: a.int("sequence"), classes: a.int("classes"))
        },
    ]

    /// `sequence` (token count, default 128) and `classes` (0: no task head).
    static let languageParameters: [ZooParameter] = [
        ZooParameter("sequence", .int(1...512), default: "128", help: "sequence length in tokens"),
        ZooParameter("classes", .int(0...1000), default: "0",
                     help: "classes of a sequence-classification head; 0 builds the bare encoder"),
    ]

    static func bert(_ id: String, _ config: BertConfig, _ summary: String, _ published: PublishedFigure) -> ZooEntry {
        ZooEntry(id: id, family: "BERT", task: .language, summary: summary, parameters: languageParameters,
                 published: published) { a in
            try BERT.build(config, sequence: a.int("sequence"), classes: a.int("classes"), name: id)
        }
    }

    static func whisper(_ id: String, _ config: WhisperConfig, _ summary: String, _ published: PublishedFigure) -> ZooEntry {
        let parameters = [
            ZooParameter("part", .choice(Whisper.Part.allCases.map(\.rawValue)), default: "both",
                         help: "both: encoder and one decoder pass; encoder or decoder alone"),
            ZooParameter("tokens", .int(1...config.textContext), default: "4",
                         help: "decoder tokens in the pass (4 = the start-of-transcript prompt)"),
        ]
        return ZooEntry(id: id, family: "Whisper", task: .speech, summary: summary, parameters: parameters,
                        published: published) { a in
            try Whisper.build(config, part: Whisper.Part(rawValue: a.string("part")) ?? .both, tokens: a.int("tokens"), name: id)
        }
    }
}

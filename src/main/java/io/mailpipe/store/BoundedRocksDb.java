package io.mailpipe.store;

import java.util.Map;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;

/**
 * Bounds what each RocksDB store takes outside the heap: a block cache of {@code mailpipe.state.block-cache-mb} (which
 * also holds the index and filter blocks) and two 4 MiB write buffers, instead of Kafka Streams' 50 MiB cache and three
 * 16 MiB buffers per store. A {@link GlobalIndex}'s store, read in scans rather than looked up, takes a quarter of each.
 */
public class BoundedRocksDb implements RocksDBConfigSetter {

    static final String BLOCK_CACHE_MB = "mailpipe.state.block-cache-mb";
    private static final long MIB = 1024 * 1024;

    private Cache cache;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        int share = GlobalIndex.isIndexStore(storeName) ? 4 : 1;
        long blockCache = Long.parseLong(String.valueOf(configs.getOrDefault(BLOCK_CACHE_MB, "8"))) * MIB / share;
        cache = new LRUCache(blockCache);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(cache);
        // Index and filter blocks in the same cache, so that they too are bounded by it instead of growing with the data.
        table.setCacheIndexAndFilterBlocks(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferSize(4 * MIB / share);
        options.setMaxWriteBufferNumber(2);
    }

    @Override
    public void close(String storeName, Options options) {
        cache.close();
    }
}
